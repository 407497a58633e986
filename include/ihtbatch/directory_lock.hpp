#pragma once
// One writer per output directory: a sweep or a merge holds its directory for
// as long as it writes there, and a second one is refused instead of
// interleaving with it (their journals and outputs would overwrite each
// other's: a requeued scheduler task beside the one still finishing).
#include <string>

namespace iht {

/// An exclusive flock(2) on the directory itself, held while this object
/// lives: no file is added to the outputs, and the kernel drops it when the
/// process ends, kill -9 included. Throws InputError, naming `what` (the
/// flag) and the directory, when another process or object holds it. Where
/// the file system has no such locks, it holds none and warns on stderr. The
/// lock is seen by the processes of one machine: on NFS a flock taken on a
/// directory is local to the client, so two nodes are not kept apart.
class DirectoryLock {
 public:
  DirectoryLock(const std::string& dir, const std::string& what);
  ~DirectoryLock();
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace iht
