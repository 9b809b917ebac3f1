#include "tuki/adapters/store/wal_write_buffer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include <sqlite3.h>

namespace tuki::adapters {
namespace {

constexpr std::size_t gather_limit = 1 << 20;  // bytes gathered before they are written anyway
constexpr int frame_header_bytes = 24;         // SQLite's WAL frame header

// The run of WAL bytes not yet written: `bytes` belong at file offset `start`.
struct pending_run {
  int fd = -1;  // a descriptor of our own: the unix VFS writes at most 128 KiB per call
  std::mutex mutex;
  sqlite3_int64 start = 0;
  std::vector<char> bytes;
  sqlite3_int64 append_at = -1;         // where the next frame goes (-1: not known yet)
  bool flush_after_next_write = false;  // the commit frame's header was just gathered
};

struct shim_file {
  sqlite3_file base;
  sqlite3_file* real;
  pending_run* wal;  // only for WAL files
};

sqlite3_vfs* real_vfs = nullptr;
sqlite3_vfs shim_vfs;
sqlite3_io_methods shim_methods;

// Every open WAL file, so that a barrier on a database file can write all their runs: the
// connection's own WAL file is not known to its database file, and writing another
// connection's run early is harmless.
std::mutex registry_mutex;
std::vector<shim_file*> registry_files;

int write_locked(shim_file* f) {
  auto& run = *f->wal;
  run.flush_after_next_write = false;
  if (run.bytes.empty()) return SQLITE_OK;
  const char* p = run.bytes.data();
  std::size_t left = run.bytes.size();
  off_t at = static_cast<off_t>(run.start);
  while (left > 0) {
    ssize_t n = ::pwrite(run.fd, p, left, at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // Kept, not dropped: the next write of the run tries again, and the commit frame's own
      // write reports the error to SQLite, which then fails the commit.
      const auto written = static_cast<std::size_t>(p - run.bytes.data());
      run.bytes.erase(run.bytes.begin(), run.bytes.begin() + static_cast<std::ptrdiff_t>(written));
      run.start += static_cast<sqlite3_int64>(written);
      return (n == 0 || errno == ENOSPC || errno == EDQUOT) ? SQLITE_FULL : SQLITE_IOERR_WRITE;
    }
    p += n;
    at += n;
    left -= static_cast<std::size_t>(n);
  }
  run.bytes.clear();
  return SQLITE_OK;
}

int write_pending(shim_file* f) {
  if (!f->wal) return SQLITE_OK;
  std::lock_guard lock(f->wal->mutex);
  return write_locked(f);
}

void write_all_pending() {
  std::lock_guard lock(registry_mutex);
  for (auto* f : registry_files) (void)write_pending(f);
}

shim_file* as_shim(sqlite3_file* p) { return reinterpret_cast<shim_file*>(p); }

int x_close(sqlite3_file* p) {
  auto* f = as_shim(p);
  int rc = write_pending(f);
  if (f->wal) {
    {
      std::lock_guard lock(registry_mutex);
      registry_files.erase(std::remove(registry_files.begin(), registry_files.end(), f),
                           registry_files.end());
    }
    ::close(f->wal->fd);
    delete f->wal;
    f->wal = nullptr;
  }
  int closed = f->real->pMethods->xClose(f->real);
  return rc != SQLITE_OK ? rc : closed;
}

int x_read(sqlite3_file* p, void* out, int n, sqlite3_int64 offset) {
  auto* f = as_shim(p);
  if (int rc = write_pending(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xRead(f->real, out, n, offset);
}

int x_write(sqlite3_file* p, const void* data, int n, sqlite3_int64 offset) {
  auto* f = as_shim(p);
  if (!f->wal) return f->real->pMethods->xWrite(f->real, data, n, offset);
  auto& run = *f->wal;
  std::lock_guard lock(run.mutex);
  const auto* bytes = static_cast<const char*>(data);
  const sqlite3_int64 end = run.start + static_cast<sqlite3_int64>(run.bytes.size());
  if (!run.bytes.empty() && offset >= run.start && offset + n <= end) {
    // SQLite rewrites a frame of the current transaction in place: patch the gathered copy.
    std::memcpy(run.bytes.data() + (offset - run.start), bytes, static_cast<std::size_t>(n));
    return SQLITE_OK;
  }
  const bool appends = run.append_at < 0 || offset >= run.append_at || offset == 0;
  if (!appends || (!run.bytes.empty() && offset != end)) {
    if (int rc = write_locked(f); rc != SQLITE_OK) return rc;
  }
  if (!appends) {
    // Anything but the next frame (checksums rewritten after the commit frame, a frame of this
    // transaction already written): written as it comes, so its error is its own.
    return f->real->pMethods->xWrite(f->real, data, n, offset);
  }
  if (run.bytes.empty()) run.start = offset;
  const bool commit_page = run.flush_after_next_write;
  run.bytes.insert(run.bytes.end(), bytes, bytes + n);
  run.append_at = offset + n;
  // A frame header whose "database size after commit" field is not zero starts the commit
  // frame: its page is the transaction's last write, so the run is written with it, and a
  // failed write fails the commit (not a later barrier, which cannot report it).
  if (n == frame_header_bytes) {
    const auto* h = reinterpret_cast<const unsigned char*>(bytes);
    run.flush_after_next_write = (h[4] | h[5] | h[6] | h[7]) != 0;
  }
  if (commit_page || run.bytes.size() >= gather_limit) return write_locked(f);
  return SQLITE_OK;
}

int x_truncate(sqlite3_file* p, sqlite3_int64 size) {
  auto* f = as_shim(p);
  if (int rc = write_pending(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xTruncate(f->real, size);
}

int x_sync(sqlite3_file* p, int flags) {
  auto* f = as_shim(p);
  if (int rc = write_pending(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xSync(f->real, flags);
}

int x_file_size(sqlite3_file* p, sqlite3_int64* size) {
  auto* f = as_shim(p);
  if (int rc = write_pending(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xFileSize(f->real, size);
}

int x_lock(sqlite3_file* p, int level) { return as_shim(p)->real->pMethods->xLock(as_shim(p)->real, level); }
int x_unlock(sqlite3_file* p, int level) {
  return as_shim(p)->real->pMethods->xUnlock(as_shim(p)->real, level);
}
int x_check_reserved(sqlite3_file* p, int* out) {
  return as_shim(p)->real->pMethods->xCheckReservedLock(as_shim(p)->real, out);
}

int x_file_control(sqlite3_file* p, int op, void* arg) {
  auto* f = as_shim(p);
  if (int rc = write_pending(f); rc != SQLITE_OK) return rc;
  if (op == SQLITE_FCNTL_VFSNAME) {
    int rc = f->real->pMethods->xFileControl(f->real, op, arg);
    if (rc == SQLITE_OK) {
      auto** name = static_cast<char**>(arg);
      char* both = sqlite3_mprintf("%s/%z", shim_vfs.zName, *name);
      *name = both;
    }
    return rc;
  }
  return f->real->pMethods->xFileControl(f->real, op, arg);
}

int x_sector_size(sqlite3_file* p) { return as_shim(p)->real->pMethods->xSectorSize(as_shim(p)->real); }
int x_device_characteristics(sqlite3_file* p) {
  return as_shim(p)->real->pMethods->xDeviceCharacteristics(as_shim(p)->real);
}

int x_shm_map(sqlite3_file* p, int region, int size, int extend, void volatile** out) {
  return as_shim(p)->real->pMethods->xShmMap(as_shim(p)->real, region, size, extend, out);
}
int x_shm_lock(sqlite3_file* p, int offset, int n, int flags) {
  write_all_pending();
  return as_shim(p)->real->pMethods->xShmLock(as_shim(p)->real, offset, n, flags);
}
void x_shm_barrier(sqlite3_file* p) {
  // SQLite calls this before it publishes a new WAL index header: every frame the header can
  // name must be in the file by then.
  write_all_pending();
  as_shim(p)->real->pMethods->xShmBarrier(as_shim(p)->real);
}
int x_shm_unmap(sqlite3_file* p, int del) {
  return as_shim(p)->real->pMethods->xShmUnmap(as_shim(p)->real, del);
}
int x_fetch(sqlite3_file* p, sqlite3_int64 offset, int n, void** out) {
  return as_shim(p)->real->pMethods->xFetch(as_shim(p)->real, offset, n, out);
}
int x_unfetch(sqlite3_file* p, sqlite3_int64 offset, void* page) {
  return as_shim(p)->real->pMethods->xUnfetch(as_shim(p)->real, offset, page);
}

constexpr int real_offset = (sizeof(shim_file) + 7) / 8 * 8;

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* p, int flags, int* out_flags) {
  auto* f = as_shim(p);
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(p) + real_offset);
  f->wal = nullptr;
  int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
  if (!f->real->pMethods) {
    f->base.pMethods = nullptr;
    return rc;
  }
  f->base.pMethods = &shim_methods;
  if (rc == SQLITE_OK && (flags & SQLITE_OPEN_WAL) && name) {
    // Without a descriptor of its own (or memory) the file is written as SQLite writes it.
    int fd = ::open(name, O_WRONLY | O_CLOEXEC);
    if (fd >= 0) f->wal = new (std::nothrow) pending_run;
    if (f->wal) {
      f->wal->fd = fd;
      std::lock_guard lock(registry_mutex);
      registry_files.push_back(f);
    } else if (fd >= 0) {
      ::close(fd);
    }
  }
  return rc;
}

}  // namespace

const char* buffered_wal_vfs() {
  static const char* name = [] {
    real_vfs = sqlite3_vfs_find("unix");
    shim_vfs = *real_vfs;
    shim_vfs.szOsFile = real_offset + real_vfs->szOsFile;
    shim_vfs.zName = "tuki-wal-runs";
    shim_vfs.pNext = nullptr;
    shim_vfs.xOpen = x_open;
    shim_methods = sqlite3_io_methods{3,           x_close,      x_read,      x_write,
                                      x_truncate,  x_sync,       x_file_size, x_lock,
                                      x_unlock,    x_check_reserved, x_file_control,
                                      x_sector_size, x_device_characteristics, x_shm_map,
                                      x_shm_lock,  x_shm_barrier, x_shm_unmap, x_fetch,
                                      x_unfetch};
    sqlite3_vfs_register(&shim_vfs, 0);
    return shim_vfs.zName;
  }();
  return name;
}

}  // namespace tuki::adapters
