#pragma once
// A SQLite VFS that writes WAL frames in runs instead of one by one.
//
// SQLite appends each WAL frame with two pwrite calls (the 24-byte frame header, then the page),
// so a group commit of 32 replies (about 135 pages) costs about 270 system calls; under P1 load
// pwrite was a fifth of the store thread's CPU. This VFS is the default "unix" VFS except that
// writes to a `-wal` file that continue the previous one are gathered in memory (up to 1 MiB)
// and written with one pwrite, through a descriptor of its own (the unix VFS writes at most
// 128 KiB per call). What is gathered reaches the file before anything can rely on it:
// - with the commit frame's page, the transaction's last write (a failed write fails the
//   commit);
// - before SQLite publishes a new WAL index header (xShmBarrier and xShmLock on the database
//   file, which SQLite calls before a commit becomes visible to any reader);
// - before every other operation on the WAL file (read, sync, truncate, size, close, control);
// - when a write does not continue the gathered run.
// A crash loses only what no commit had published yet: the frames of an unfinished transaction,
// which SQLite ignores at recovery anyway.
namespace tuki::adapters {

/// Registers the VFS once (thread-safe) and returns its name for sqlite3_open_v2.
const char* buffered_wal_vfs();

}  // namespace tuki::adapters
