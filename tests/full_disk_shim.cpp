// A disk that fills up, for tests (tests/full_disk_test.sh): preloaded with
// LD_PRELOAD, it lets writes to files under $FULL_DISK_DIR succeed for
// $FULL_DISK_BYTES bytes in all, then fails them with ENOSPC, as a full file
// system does; a write that crosses the limit is cut short, as the kernel
// cuts it. Other files (the terminal, pipes, anything elsewhere) are written
// as usual. It wraps write and writev (the program's own writes, and
// std::ofstream's) and fwrite (the journal's stdio). FULL_DISK_USED: see below.
#include <dlfcn.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

std::atomic<long long> budget{-1};  // bytes still allowed; -1: not read yet

bool watched(int fd) {
  const char* dir = std::getenv("FULL_DISK_DIR");
  if (dir == nullptr || *dir == '\0' || fd < 0) return false;
  char link[64], path[PATH_MAX];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0) return false;
  path[n] = '\0';
  return std::strncmp(path, dir, std::strlen(dir)) == 0;
}

/// How many of `want` bytes may be written to fd now: all, some, or none
/// (-1, errno = ENOSPC).
long long allowed(int fd, size_t want) {
  if (!watched(fd)) return static_cast<long long>(want);
  long long left = budget.load();
  if (left < 0) {
    const char* b = std::getenv("FULL_DISK_BYTES");
    long long expected = -1;
    budget.compare_exchange_strong(expected, b ? std::atoll(b) : 0);
    left = budget.load();
  }
  for (;;) {
    if (left <= 0) {
      errno = ENOSPC;
      return -1;
    }
    const long long n = static_cast<long long>(want) < left ? static_cast<long long>(want) : left;
    if (budget.compare_exchange_weak(left, left - n)) return n;
  }
}

/// With $FULL_DISK_USED set, the bytes written under the directory go to that
/// file at exit (the test sizes its limits from a sweep that had room).
struct ReportAtExit {
  ~ReportAtExit() {
    const char* to = std::getenv("FULL_DISK_USED");
    const char* b = std::getenv("FULL_DISK_BYTES");
    const long long left = budget.load();
    if (to == nullptr || b == nullptr || left < 0) return;
    if (FILE* f = std::fopen(to, "w")) {
      std::fprintf(f, "%lld\n", std::atoll(b) - left);
      std::fclose(f);
    }
  }
} report_at_exit;

template <class F>
F real(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" ssize_t write(int fd, const void* buf, size_t count) {
  static const auto next = real<ssize_t (*)(int, const void*, size_t)>("write");
  const long long n = allowed(fd, count);
  return n < 0 ? -1 : next(fd, buf, static_cast<size_t>(n));
}

extern "C" ssize_t writev(int fd, const struct iovec* iov, int iovcnt) {
  static const auto next = real<ssize_t (*)(int, const struct iovec*, int)>("writev");
  size_t total = 0;
  for (int i = 0; i < iovcnt; ++i) total += iov[i].iov_len;
  const long long n = allowed(fd, total);
  if (n < 0) return -1;
  if (static_cast<size_t>(n) == total) return next(fd, iov, iovcnt);
  static const auto write_next = real<ssize_t (*)(int, const void*, size_t)>("write");
  for (int i = 0; i < iovcnt; ++i)  // short: at most n bytes, from the first buffer that has any
    if (iov[i].iov_len > 0) return write_next(fd, iov[i].iov_base, std::min(iov[i].iov_len, static_cast<size_t>(n)));
  return 0;
}

extern "C" size_t fwrite(const void* ptr, size_t size, size_t nmemb, FILE* stream) {
  static const auto next = real<size_t (*)(const void*, size_t, size_t, FILE*)>("fwrite");
  if (size == 0 || nmemb == 0) return next(ptr, size, nmemb, stream);
  const long long n = allowed(fileno(stream), size * nmemb);
  if (n < 0) return 0;
  const size_t whole = static_cast<size_t>(n) / size;
  const size_t done = next(ptr, size, whole, stream);
  if (done < nmemb) errno = ENOSPC;
  return done;
}
