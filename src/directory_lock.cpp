#include "ihtbatch/directory_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "ihtbatch/error.hpp"

namespace iht {

DirectoryLock::DirectoryLock(const std::string& dir, const std::string& what) {
  fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) throw InputError(what + " " + dir + ": cannot open the directory: " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
  const int err = errno;
  ::close(fd_);
  fd_ = -1;
  if (err == EWOULDBLOCK)
    throw InputError(what + " " + dir + ": another sweep or merge is writing there now (it holds the directory's "
                     "lock); wait for it to end, or choose another directory");
  // ENOLCK, EOPNOTSUPP, ENOSYS: no locks on this file system; the work goes on without one, and says so.
  std::cerr << "ihtbatch: warning: " << what << " " << dir << ": the directory could not be locked ("
            << std::strerror(err) << "); going on without the lock: make sure no other sweep or merge writes "
            << "there at the same time\n";
}

DirectoryLock::~DirectoryLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the lock
}

}  // namespace iht
