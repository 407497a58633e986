#include <gtest/gtest.h>

#include <cstdlib>

#include <cstdio>
#include <fstream>
#include <string>

#include "ihtbatch/network.hpp"
#include "ihtbatch/dataset.hpp"
#include "ihtbatch/error.hpp"

using namespace iht;

namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

/// Loading `text` must fail with a message containing every fragment.
void expect_error(const std::string& name, const std::string& text,
                  std::initializer_list<std::string> fragments) {
  const std::string path = write_temp(name, text);
  try {
    load_csv(path);
    FAIL() << name << ": loaded without error";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    for (const auto& f : fragments) EXPECT_NE(msg.find(f), std::string::npos) << "'" << f << "' not in: " << msg;
  }
}

}  // namespace

TEST(Dataset, IrisHasFishersValues) {
  const Dataset d = load_dataset("iris");
  EXPECT_EQ(d.samples, 150);
  EXPECT_EQ(d.features, 4);
  EXPECT_EQ(d.classes, 3);
  EXPECT_EQ(network_of(d, ExperimentConfig{}).parameters(), 15);
  EXPECT_EQ(d.train_size(), 120);
  EXPECT_EQ(d.test_size(), 30);
  // Samples 35 and 38 (1-based), which some copies get wrong.
  EXPECT_DOUBLE_EQ(d.x[34 * 4 + 3], 0.2);
  EXPECT_DOUBLE_EQ(d.x[37 * 4 + 1], 3.6);
  EXPECT_DOUBLE_EQ(d.x[37 * 4 + 2], 1.4);
  int per_class[3] = {0, 0, 0};
  for (int y : d.y) per_class[y]++;
  EXPECT_EQ(per_class[0], 50);
  EXPECT_EQ(per_class[1], 50);
  EXPECT_EQ(per_class[2], 50);
}

TEST(Dataset, ParameterNamesFollowThetaOrder) {
  const auto names = Network{4, 0, 3}.parameter_names();
  ASSERT_EQ(names.size(), 15u);
  EXPECT_EQ(names[0], "w11");
  EXPECT_EQ(names[1], "w12");
  EXPECT_EQ(names[3], "w21");
  EXPECT_EQ(names[11], "w43");
  EXPECT_EQ(names[12], "b1");
  EXPECT_EQ(names[14], "b3");
  EXPECT_EQ((Network{10, 0, 2}.parameter_names()[2]), "w_2_1");  // docs/SPEC.md §9: two-digit indices joined by _
}

TEST(Dataset, AcceptsCrlfAndBlankLines) {
  const Dataset d = load_csv(write_temp("ok.csv", "a,b,label\r\n1,2,0\r\n\r\n3,4,1\r\n5,6,1\r\n"));
  EXPECT_EQ(d.samples, 3);
  EXPECT_EQ(d.features, 2);
  EXPECT_EQ(d.classes, 2);
}

TEST(Dataset, AUtf8ByteOrderMarkIsNotPartOfTheHeader) {
  // As spreadsheets export "CSV UTF-8": the mark must neither rename the first
  // column nor hide a first row of numbers from the header check.
  const Dataset d = load_csv(write_temp("bom.csv", "\xEF\xBB\xBF" "a,b,label\n1,2,0\n3,4,1\n5,6,1\n"));
  EXPECT_EQ(d.samples, 3);
  EXPECT_EQ(d.feature_names[0], "a");
  expect_error("bom_nohdr.csv", "\xEF\xBB\xBF" "1,2,0\n3,4,1\n5,6,1\n", {":1:", "the first row is all numbers"});
}

TEST(Dataset, TinyValuesAreZeroOrNormalOrRefusedAsSubnormal) {
  const Dataset d = load_csv(write_temp("tiny_values.csv", "a,b,y\n2.2250738585072014e-308,1,0\n1e-400,2,1\n"));
  ASSERT_EQ(d.x.size(), 4u);
  EXPECT_EQ(d.x[0], 2.2250738585072014e-308);  // the smallest normal double
  EXPECT_EQ(d.x[2], 0.0);  // below every subnormal: zero, as strtod rounds it
  // A nonzero subnormal is named as such (not as "not finite"): a column of
  // them would standardize to inf and NaN.
  expect_error("subnormal.csv", "a,b,y\n1,2,0\n1,1e-310,1\n", {":3:", "'1e-310' is subnormal"});
  expect_error("subnormal_max.csv", "a,b,y\n1,2,0\n2.225073858507201e-308,2,1\n", {":3:", "is subnormal"});
  expect_error("overflow.csv", "a,b,y\n1,2,0\n1e400,2,1\n", {":3:", "not a finite number"});
}

TEST(Dataset, MissingFile) {
  try {
    load_csv("/nonexistent/dir/x.csv");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/x.csv: cannot open file"), std::string::npos);
  }
}

TEST(Dataset, EmptyFile) { expect_error("empty.csv", "", {"empty file"}); }
TEST(Dataset, HeaderOnly) { expect_error("header.csv", "a,b,y\n", {"no data rows"}); }
TEST(Dataset, WrongColumnCount) {
  expect_error("cols.csv", "a,b,y\n1,2,0\n1,2\n", {":3:", "expected 3 columns", "found 2"});
}
TEST(Dataset, NonNumericValue) { expect_error("nonnum.csv", "a,b,y\n1,2,0\n1,x,1\n", {":3:", "'x' is not a number"}); }
TEST(Dataset, NanValue) { expect_error("nan.csv", "a,b,y\n1,nan,0\n1,2,1\n", {":2:", "not a finite number"}); }
TEST(Dataset, InfValue) { expect_error("inf.csv", "a,b,y\n1,2,0\ninf,2,1\n", {":3:", "not a finite number"}); }
TEST(Dataset, EmptyField) { expect_error("emptyfield.csv", "a,b,y\n1,,0\n1,2,1\n", {":2:", "is empty"}); }
TEST(Dataset, OneClassOnly) { expect_error("oneclass.csv", "a,y\n1,0\n2,0\n3,0\n", {"only one class"}); }
TEST(Dataset, NegativeLabel) { expect_error("neg.csv", "a,y\n1,0\n2,-1\n", {":3:", "not a non-negative integer"}); }
TEST(Dataset, FractionalLabel) { expect_error("frac.csv", "a,y\n1,0\n2,1.5\n", {":3:", "not a non-negative integer"}); }
TEST(Dataset, HugeLabel) { expect_error("huge.csv", "a,y\n1,0\n2,5000\n", {":3:", "out of range"}); }
TEST(Dataset, MissingClass) { expect_error("gap.csv", "a,y\n1,0\n2,2\n3,2\n", {"class 1 has no samples"}); }
TEST(Dataset, TooFewSamplesForASplit) { expect_error("tiny.csv", "a,y\n1,1\n", {"only one class"}); }
TEST(Dataset, TooFewSamplesWithTwoClasses) {
  // Two samples split 1/1: the smallest split that works.
  EXPECT_EQ(load_csv(write_temp("two.csv", "a,y\n1,0\n2,1\n")).train_size(), 1);
}
TEST(Dataset, NoFeatureColumn) { expect_error("nofeat.csv", "y\n0\n1\n", {"need at least one feature"}); }

TEST(Dataset, TheShippedIrisIsTheDataFileBuiltIn) {
  const char* source = std::getenv("IHTBATCH_SOURCE_DIR");  // set by CTest
  if (!source) GTEST_SKIP() << "IHTBATCH_SOURCE_DIR is not set (run through ctest)";
  const std::string path = std::string(source) + "/data/iris.csv";
  const Dataset shipped = load_dataset("iris"), file = load_csv(path);
  EXPECT_EQ(shipped.path, "iris");
  EXPECT_EQ(shipped.x, file.x);
  EXPECT_EQ(shipped.y, file.y);
  EXPECT_EQ(shipped.feature_names, file.feature_names);
  // A path is read as a path.
  EXPECT_EQ(load_dataset(path).x, file.x);
}

TEST(Dataset, AMissingNameListsTheShippedOnes) {
  // A bare name that is no file was meant as a shipped dataset's: the message lists them.
  for (const std::string name : {"irs", "IRIS", "breast_cancer"}) {
    try {
      load_dataset(name);
      FAIL() << "accepted a dataset that does not exist: " << name;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(name + ": no such file, and no shipped dataset of that name (iris, wine, "
                                           "breast-cancer, digits)"),
                std::string::npos)
          << e.what();
    }
  }
  // A path is a path: its error is the file's.
  try {
    load_dataset("./irs");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("./irs: cannot open file"), std::string::npos) << e.what();
  }
  // An empty name (IHTBATCH_DATA set to nothing) is not a file to open.
  try {
    load_dataset("");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no dataset named (an empty or blank --data or IHTBATCH_DATA)"), std::string::npos)
        << e.what();
  }
}

TEST(Dataset, MessagesShowControlBytes) {
  // A NUL would end the message (what() is a C string) and a carriage return overwrite it.
  const char with_nul[] = "a,b,y\n1,2\0,0\n3,4,1\n";
  expect_error("nul.csv", std::string(with_nul, sizeof with_nul - 1), {":2:", "column 'b': '2\\x00' is not a number"});
  expect_error("cr_field.csv", "a,b\x01,y\n1,2\r5,0\n3,4,1\n", {":2:", "column 'b\\x01': '2\\x0d5' is not a number"});
  // strtod skips a leading \v: the label's and the range's messages show it too.
  expect_error("vt_label.csv", "a,y\n1,0\n2,\v1.5\n", {":3:", "class label '\\x0b1.5' is not a non-negative integer"});
  expect_error("vt_range.csv", "a,y\n1,0\n2,\v2000\n", {":3:", "class label \\x0b2000 is out of range"});
  // Every InputError: a NUL, DEL and CR escaped; UTF-8 kept.
  const char raw[] = "l\xC3\xA4ngd\0\x7f\r";
  EXPECT_EQ(std::string(InputError(std::string(raw, sizeof raw - 1)).what()), "l\xC3\xA4ngd\\x00\\x7f\\x0d");
}

TEST(Dataset, BareCarriageReturnLineEndings) {
  // Classic Mac OS line endings: the file is one line; said so, not "no data rows".
  expect_error("mac.csv", "a,b,y\r1,2,0\r3,4,1\r", {":1:", "lines end in a bare carriage return"});
  expect_error("mac_tail.csv", "a,b,y\r1,2,0\r3,4,1\r\n\n", {":1:", "lines end in a bare carriage return"});
  // \r\n endings are read as lines, and a carriage return beside a header
  // field, with lines after it, is blank space around the field.
  EXPECT_EQ(load_csv(write_temp("dos.csv", "a,b,y\r\n1,2,0\r\n3,4,1\r\n")).samples, 2);
  const Dataset beside = load_csv(write_temp("cr_beside.csv", "a,b\r,y\n1,2,0\n3,4,1\n"));
  EXPECT_EQ(beside.samples, 2);
  EXPECT_EQ(beside.feature_names[1], "b");
}

TEST(Dataset, SubnormalLabelIsNotAnInteger) {
  // The label's problem is that it is no class, not the features' standardization.
  expect_error("sublabel.csv", "a,y\n1,0\n2,1e-320\n", {":3:", "class label '1e-320' is not a non-negative integer"});
}
