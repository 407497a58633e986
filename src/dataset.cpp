#include "ihtbatch/dataset.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "ihtbatch/error.hpp"

namespace iht {
namespace {

constexpr int kLabelLimit = 1024;  // class labels are 0 .. kLabelLimit − 1
constexpr long kMaxSamples = 1L << 28;  // samples · 4 (the split) stays within an int
constexpr const char* kUtf8Bom = "\xEF\xBB\xBF";


std::string trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  const auto end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

[[noreturn]] void fail(const std::string& path, long line, const std::string& problem) {
  std::string where = path;
  if (line > 0) where += ":" + std::to_string(line);
  throw InputError(where + ": " + problem);
}

/// Whether the whole of `text` reads as a number (strtod's syntax).
bool is_number(const std::string& text) {
  if (text.empty()) return false;
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

/// A feature's value, or the label's (`is_label`: a subnormal is then left to
/// the label's own check, which refuses it as not an integer).
double parse_number(const std::string& path, long line, const std::string& column,
                    const std::string& text, bool is_label = false) {
  const std::string t = trim(text);
  if (t.empty()) fail(path, line, "column '" + column + "' is empty");
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size()) fail(path, line, "column '" + column + "': '" + t + "' is not a number");
  // Too large is infinite. Too small (strtod's ERANGE) is zero or subnormal:
  // zero is kept (the nearest double, as any reader rounds it); a nonzero
  // subnormal is refused by name, since the standardization (docs/SPEC.md
  // §3.2) cannot scale a column whose training values are all that small.
  if (!std::isfinite(v)) fail(path, line, "column '" + column + "': '" + t + "' is not a finite number");
  if (!is_label && v != 0 && std::fabs(v) < std::numeric_limits<double>::min())
    fail(path, line, "column '" + column + "': '" + t + "' is subnormal (nonzero, below " +
                         "2.2250738585072014e-308 in magnitude), which standardization cannot scale: "
                         "rescale the column, or write 0");
  return v;
}

/// The shipped datasets' names, comma-separated, for messages.
std::string shipped_names() {
  std::string names;
  for (const auto& [name, text] : shipped_datasets()) names += (names.empty() ? "" : ", ") + name;
  return names;
}

}  // namespace

namespace {

/// What every dataset must satisfy beyond its values: classes 0..c−1 each
/// present (at least two), and enough samples for the 80/20 split.
void check_classes_and_split(Dataset& data, const std::set<int>& labels, int max_label) {
  const std::string& path = data.path;
  if (data.samples == 0) fail(path, 0, "no data rows after the header");
  if (labels.size() < 2)
    fail(path, 0, "only one class (label " + std::to_string(max_label) +
                      "); classification needs at least two");
  data.classes = max_label + 1;
  for (int k = 0; k < data.classes; ++k)
    if (!labels.count(k))
      fail(path, 0, "class " + std::to_string(k) + " has no samples (labels must be 0.." +
                        std::to_string(data.classes - 1) + ", each present)");
  if (data.train_size() < 1 || data.test_size() < 1)
    fail(path, 0, std::to_string(data.samples) +
                      " samples are too few for an 80/20 train/test split (need at least 2)");
}

Dataset parse_stream(std::istream& in, const std::string& path) {
  Dataset data;
  data.path = path;

  std::string line;
  long line_no = 0;
  std::vector<std::string> header;
  while (header.empty() && std::getline(in, line)) {
    ++line_no;
    if (line_no == 1 && line.rfind(kUtf8Bom, 0) == 0) line.erase(0, std::strlen(kUtf8Bom));  // as spreadsheets write it
    if (!trim(line).empty()) header = split_fields(line);
  }
  // A file whose lines end in a bare carriage return (classic Mac OS) reads
  // as one line: where no data row follows, that is said, not "no data
  // rows". (A carriage return beside a header field, with data rows after
  // it, is blank space around the field.)
  const auto cr = line.find('\r');
  const bool header_holds_lines = !header.empty() && cr != std::string::npos && !trim(line.substr(cr)).empty();
  const long header_line = line_no;
  if (header.empty()) fail(path, 0, "empty file (expected a header row, then data rows)");
  if (header.size() < 2)
    fail(path, line_no, "header has " + std::to_string(header.size()) +
                            " column; need at least one feature and the class label");
  for (auto& h : header) h = trim(h);
  if (std::all_of(header.begin(), header.end(), [](const std::string& h) { return is_number(h); }))
    fail(path, line_no, "the first row is all numbers, so it looks like data: the first row must name the columns");
  const int columns = static_cast<int>(header.size());
  data.features = columns - 1;
  data.feature_names.assign(header.begin(), header.end() - 1);

  int max_label = -1;
  std::set<int> labels;
  while (std::getline(in, line)) {
    ++line_no;
    if (trim(line).empty()) continue;
    const auto fields = split_fields(line);
    if (static_cast<int>(fields.size()) != columns)
      fail(path, line_no, "expected " + std::to_string(columns) + " columns (as the header), found " +
                              std::to_string(fields.size()));
    for (int j = 0; j < data.features; ++j)
      data.x.push_back(parse_number(path, line_no, header[j], fields[j]));
    const double label = parse_number(path, line_no, header.back(), fields.back(), /*is_label=*/true);
    if (label < 0 || label != std::floor(label))
      fail(path, line_no, "class label '" + trim(fields.back()) + "' is not a non-negative integer");
    if (label >= kLabelLimit)
      fail(path, line_no, "class label " + trim(fields.back()) + " is out of range (at most " +
                              std::to_string(kLabelLimit - 1) + ")");
    data.y.push_back(static_cast<int>(label));
    labels.insert(static_cast<int>(label));
    max_label = std::max(max_label, static_cast<int>(label));
  }
  data.samples = static_cast<int>(data.y.size());
  if (data.samples == 0 && header_holds_lines)
    fail(path, header_line, "lines end in a bare carriage return (\\r): save the file with \\n or \\r\\n line endings");
  check_classes_and_split(data, labels, max_label);
  return data;
}

}  // namespace

Dataset load_csv(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))
    fail(path, 0, "not a regular file (a directory, pipe or device cannot be read as a dataset)");
  std::ifstream in(path);
  if (!in) fail(path, 0, std::string("cannot open file: ") + std::strerror(errno));
  return parse_stream(in, path);
}

Dataset parse_csv(const std::string& text, const std::string& label) {
  std::istringstream in(text);
  return parse_stream(in, label);
}

Dataset make_dataset(const std::string& label, std::vector<std::string> feature_names, std::vector<double> x,
                     const std::vector<long long>& y) {
  Dataset data;
  data.path = label;
  data.samples = static_cast<int>(y.size());
  if (y.size() > static_cast<size_t>(kMaxSamples))
    fail(label, 0, std::to_string(y.size()) + " samples: at most " + std::to_string(kMaxSamples));
  if (data.samples == 0) fail(label, 0, "no samples");
  if (x.size() % y.size() != 0 || x.size() == 0)
    fail(label, 0, "X holds " + std::to_string(x.size()) + " values, not a whole number of rows for " +
                       std::to_string(y.size()) + " labels");
  data.features = static_cast<int>(x.size() / y.size());
  if (!feature_names.empty() && static_cast<int>(feature_names.size()) != data.features)
    fail(label, 0, std::to_string(feature_names.size()) + " feature names for " + std::to_string(data.features) +
                       " features");
  if (feature_names.empty())
    for (int j = 0; j < data.features; ++j) feature_names.push_back("x" + std::to_string(j));
  data.feature_names = std::move(feature_names);
  for (size_t k = 0; k < x.size(); ++k)
    if (!std::isfinite(x[k]))
      fail(label, 0, "X[" + std::to_string(k / data.features) + ", " + std::to_string(k % data.features) +
                         "] is not a finite number");
  data.x = std::move(x);
  std::set<int> labels;
  int max_label = -1;
  for (size_t i = 0; i < y.size(); ++i) {
    if (y[i] < 0 || y[i] >= kLabelLimit)
      fail(label, 0, "y[" + std::to_string(i) + "] = " + std::to_string(y[i]) + ": class labels are 0.." +
                         std::to_string(kLabelLimit - 1));
    data.y.push_back(static_cast<int>(y[i]));
    labels.insert(static_cast<int>(y[i]));
    max_label = std::max(max_label, static_cast<int>(y[i]));
  }
  check_classes_and_split(data, labels, max_label);
  return data;
}

Dataset load_dataset(const std::string& name_or_path) {
  if (trim(name_or_path).empty())
    throw InputError("no dataset named (an empty or blank --data or IHTBATCH_DATA): name a shipped dataset (" +
                     shipped_names() + ") or a CSV file");
  for (const auto& [name, text] : shipped_datasets())
    if (name == name_or_path) return parse_csv(text, name);
  // A name that is no file and has no path or .csv in it was meant as a
  // shipped dataset's ("IRIS", "breast_cancer"): list them.
  // (Where the file system cannot say, the file's own error is the message.)
  std::error_code ec;
  const bool looks_like_name = name_or_path.find('/') == std::string::npos && name_or_path.find('.') == std::string::npos;
  if (looks_like_name && !std::filesystem::exists(name_or_path, ec) && !ec)
    fail(name_or_path, 0,
         "no such file, and no shipped dataset of that name (" + shipped_names() + ")");
  return load_csv(name_or_path);
}

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream ss(line);
  std::string field;
  while (std::getline(ss, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

std::string default_data_path() {
  if (const char* env = std::getenv("IHTBATCH_DATA")) return env;
  return "iris";
}

}  // namespace iht
