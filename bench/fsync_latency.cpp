// P1 latency baseline: how long one fdatasync takes on the disk the database is on, measured in
// the same run. Every reply is answered only after the WAL frames of its batch are synced, so a
// request's latency includes at least one fdatasync (and, when it arrives while one is running,
// the rest of that one too): the disk's own fdatasync percentiles are the floor of P1's.
// It does what the sync thread does: appends WRITE_BYTES (one batch of WAL frames) to a file,
// fdatasync, and again, starting over at 64 MiB as the WAL restarts (the blocks are then
// overwritten in place, not allocated).
// Usage: bench_fsync_latency FILE [WRITE_BYTES=65536] [ROUNDS=2000]   (FILE is removed after)
// Prints: "fdatasync ms: p50 A p90 B p99 C max D (ROUNDS rounds of WRITE_BYTES bytes)"
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_fsync_latency FILE [WRITE_BYTES] [ROUNDS]\n");
    return 2;
  }
  const std::string path = argv[1];
  const long bytes = argc > 2 ? std::atol(argv[2]) : 65536;
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 2000;
  const long wrap = 64L * 1024 * 1024;
  if (bytes <= 0 || bytes > wrap || rounds <= 0) {
    std::fprintf(stderr, "bench_fsync_latency: WRITE_BYTES must be 1..%ld, ROUNDS > 0\n", wrap);
    return 2;
  }
  const int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
  if (fd < 0) {
    std::perror(path.c_str());
    return 1;
  }
  std::vector<char> frame(static_cast<std::size_t>(bytes), 'w');
  std::vector<double> ms;
  ms.reserve(static_cast<std::size_t>(rounds));
  long offset = 0;
  for (int i = 0; i < rounds; ++i) {
    if (offset + bytes > wrap) offset = 0;
    if (::pwrite(fd, frame.data(), frame.size(), offset) != bytes) {
      std::perror("pwrite");
      return 1;
    }
    offset += bytes;
    const auto t0 = std::chrono::steady_clock::now();
    if (::fdatasync(fd) != 0) {
      std::perror("fdatasync");
      return 1;
    }
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  ::close(fd);
  ::unlink(path.c_str());
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * static_cast<double>(ms.size())))]; };
  std::printf("fdatasync ms: p50 %.2f p90 %.2f p99 %.2f max %.2f (%d rounds of %ld bytes)\n", at(0.5),
              at(0.9), at(0.99), ms.back(), rounds, bytes);
  return 0;
}
