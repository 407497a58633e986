#pragma once
// A labelled numeric dataset and its CSV loader (docs/SPEC.md §1).
#include <string>
#include <utility>
#include <vector>

namespace iht {

/// x: (samples, features) row-major; y: class in 0..classes-1.
struct Dataset {
  std::string path;
  std::vector<std::string> feature_names;
  int samples = 0;
  int features = 0;
  int classes = 0;
  std::vector<double> x;
  std::vector<int> y;

  int train_size() const { return samples * 4 / 5; }  // docs/SPEC.md §3.1: first 80 %
  int test_size() const { return samples - train_size(); }
};

/// Loads a CSV: a header row, then numeric feature columns and an integer class
/// label (0..c-1, every class present) in the last column. Throws InputError
/// naming the file, the line and the problem.
Dataset load_csv(const std::string& path);

/// The same from text already in memory; `label` names it in messages.
Dataset parse_csv(const std::string& text, const std::string& label);

/// A dataset from arrays: x (samples, features) row-major, y one label per
/// sample; feature_names empty gives x0, x1, …. The same checks as a CSV's
/// (finite values, classes 0..c−1 each present, enough samples for the
/// split); InputError naming `label` and the entry.
Dataset make_dataset(const std::string& label, std::vector<std::string> feature_names, std::vector<double> x,
                     const std::vector<long long>& y);

/// A shipped dataset by name ("iris"), else the CSV file at that path (write
/// ./iris for a file of that name). Throws InputError.
Dataset load_dataset(const std::string& name_or_path);

/// The names of the shipped datasets, and their CSV text (built into the program).
const std::vector<std::pair<std::string, std::string>>& shipped_datasets();

/// A CSV line's comma-separated fields (no quoting; a trailing comma gives a
/// last empty field).
std::vector<std::string> split_fields(const std::string& line);

/// The default --data: IHTBATCH_DATA where set, else "iris".
std::string default_data_path();

}  // namespace iht
