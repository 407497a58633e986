#include "ihtbatch/journal.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

#include "ihtbatch/error.hpp"
#include "ihtbatch/output.hpp"
#include "ihtbatch/version.hpp"

namespace iht {
namespace {

constexpr char kMagic[8] = {'I', 'H', 'T', 'J', 'R', 'N', 'L', '1'};

/// FNV-1a, 64 bits: enough to tell a torn or damaged record from a whole one.
uint64_t fnv1a(const void* data, size_t size, uint64_t hash = 0xcbf29ce484222325ull) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; ++i) hash = (hash ^ p[i]) * 0x100000001b3ull;
  return hash;
}

/// Little helpers to lay values out as bytes and read them back.
struct Bytes {
  std::string data;
  template <class V>
  void put(const V& v) {
    data.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
};

struct Reader {
  const std::string& data;
  size_t at = 0;
  template <class V>
  bool get(V& v) {
    if (data.size() - at < sizeof v) return false;
    std::memcpy(&v, data.data() + at, sizeof v);
    at += sizeof v;
    return true;
  }
};

std::string encode(size_t index, const RunResult& r) {
  Bytes b;
  b.put<uint64_t>(index);
  b.put<int32_t>(r.spec.sparsity);
  b.put<int64_t>(r.spec.run);
  b.put(r.spec.data_seed);
  b.put(r.spec.init_seed);
  b.put(r.spec.support_seed);
  for (double v : {r.lipschitz, r.step_size, r.train_loss, r.train_acc, r.test_loss, r.test_acc, r.ht_margin,
                   r.grad_support_inf})
    b.put(v);
  b.put<int64_t>(r.steps);
  b.put<int64_t>(r.settled_at);
  b.put<int32_t>(static_cast<int32_t>(r.stop));
  b.put<int32_t>(r.ht_stable ? 1 : 0);
  b.put<uint32_t>(static_cast<uint32_t>(r.theta.size()));
  for (double v : r.theta) b.put(v);
  return b.data;
}

bool decode(const std::string& payload, size_t& index, RunResult& r) {
  Reader in{payload};
  uint64_t i = 0;
  int32_t sparsity = 0, stop = 0, stable = 0;
  int64_t run = 0, steps = 0, settled = 0;
  uint32_t n = 0;
  bool ok = in.get(i) && in.get(sparsity) && in.get(run) && in.get(r.spec.data_seed) && in.get(r.spec.init_seed) &&
            in.get(r.spec.support_seed) && in.get(r.lipschitz) && in.get(r.step_size) && in.get(r.train_loss) &&
            in.get(r.train_acc) && in.get(r.test_loss) && in.get(r.test_acc) && in.get(r.ht_margin) &&
            in.get(r.grad_support_inf) && in.get(steps) && in.get(settled) && in.get(stop) && in.get(stable) &&
            in.get(n) && payload.size() - in.at == n * sizeof(double);
  if (!ok) return false;
  r.theta.resize(n);
  for (double& v : r.theta) in.get(v);
  index = i;
  r.spec.sparsity = sparsity;
  r.spec.run = run;
  r.steps = steps;
  r.settled_at = settled;
  r.stop = static_cast<StopReason>(stop);
  r.ht_stable = stable != 0;
  return true;
}

std::string header(const std::string& digest) {
  Bytes b;
  b.data.append(kMagic, sizeof kMagic);
  b.put<uint32_t>(static_cast<uint32_t>(digest.size()));
  b.data += digest;
  b.put<uint64_t>(fnv1a(b.data.data(), b.data.size()));
  return b.data;
}

std::string hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

std::string sweep_digest(const SweepConfig& c, const Dataset& data, const std::string& backend) {
  std::ostringstream s;
  s << "ihtbatch-sweep-1|" << version() << ' ' << git_commit()  // another build may round differently
    << "|data " << hex(fnv1a(data.x.data(), data.x.size() * sizeof(double))) << ' '
    << hex(fnv1a(data.y.data(), data.y.size() * sizeof(int))) << ' ' << data.features << 'x' << data.classes
    << "|levels";
  for (int level : c.sparsities) s << ' ' << level;
  const ExperimentConfig& e = c.experiment;
  s << "|runs " << c.runs << "|dense " << c.dense << "|seed " << c.seed << "|max_steps " << e.max_steps << "|tol "
    << std::hexfloat << e.tol << "|monte " << std::dec << e.n_monte << "|step " << std::hexfloat << e.step_size
    << std::dec << "|precision " << to_string(e.precision) << "|backend " << backend;
  if (e.hidden > 0) s << "|hidden " << e.hidden << ' ' << to_string(e.activation);  // absent: the one-layer digest as before
  return s.str();
}

JournalContents read_journal(const std::string& path) {
  if (std::filesystem::is_directory(path))
    throw InputError(path + ": a directory stands where the journal belongs (remove it, or use another --out)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open the journal: " + std::strerror(errno));
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Reader r{bytes};
  char magic[sizeof kMagic];
  uint32_t digest_size = 0;
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    throw InputError(path + ": not an ihtbatch journal (discard it with --restart)");
  r.at = sizeof magic;
  if (!r.get(digest_size) || bytes.size() - r.at < digest_size + sizeof(uint64_t))
    throw InputError(path + ": the journal's header is damaged (discard it with --restart)");
  JournalContents out;
  out.digest = bytes.substr(r.at, digest_size);
  r.at += digest_size;
  uint64_t sum = 0;
  r.get(sum);
  if (sum != fnv1a(bytes.data(), r.at - sizeof sum))
    throw InputError(path + ": the journal's header is damaged (discard it with --restart)");
  out.valid_bytes = static_cast<long long>(r.at);
  // Records: [u32 payload size][payload][u64 checksum of both]; the first that
  // is cut short or does not sum is where the journal was torn.
  for (;;) {
    uint32_t size = 0;
    const size_t start = r.at;
    if (!r.get(size) || bytes.size() - r.at < size + sizeof(uint64_t)) break;
    const std::string payload = bytes.substr(r.at, size);
    r.at += size;
    r.get(sum);
    RunResult result;
    size_t index = 0;
    if (sum != fnv1a(bytes.data() + start, sizeof size + size) || !decode(payload, index, result)) break;
    out.runs.emplace_back(index, std::move(result));
    out.valid_bytes = static_cast<long long>(r.at);
  }
  out.dropped_bytes = static_cast<long long>(bytes.size()) - out.valid_bytes;
  return out;
}

JournalWriter::JournalWriter(const std::string& path, const std::string& digest, long long keep_bytes)
    : path_(path) {
  if (keep_bytes >= 0) {
    if (::truncate(path.c_str(), keep_bytes) != 0)
      throw std::runtime_error(path + ": cannot cut the journal's torn end: " + std::strerror(errno));
  } else {
    // A new journal appears whole, header and all (a temporary file renamed),
    // so a kill at its birth never leaves a half header to refuse later.
    write_file_atomically(path, header(digest));
  }
  file_ = std::fopen(path.c_str(), "ab");
  if (!file_) throw std::runtime_error(path + ": cannot open the journal for writing: " + std::strerror(errno));
}

JournalWriter::~JournalWriter() {
  if (file_) std::fclose(file_);
}

void JournalWriter::append(size_t plan_index, const RunResult& result) {
  const std::string payload = encode(plan_index, result);
  Bytes record;
  record.put<uint32_t>(static_cast<uint32_t>(payload.size()));
  record.data += payload;
  record.put<uint64_t>(fnv1a(record.data.data(), record.data.size()));
  if (std::fwrite(record.data.data(), 1, record.data.size(), file_) != record.data.size())
    throw std::runtime_error(path_ + ": cannot append to the journal: " + std::strerror(errno));
}

void JournalWriter::sync() {
  if (std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0)
    throw std::runtime_error(path_ + ": cannot sync the journal: " + std::strerror(errno));
}

}  // namespace iht
