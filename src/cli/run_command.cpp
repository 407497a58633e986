// `ihtbatch run`: one run in detail, human-readable or --json.
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "ihtbatch/network.hpp"
#include "ihtbatch/error.hpp"
#include "ihtbatch/output.hpp"
#include "ihtbatch/run_detail.hpp"
#include "ihtbatch/seeds.hpp"
#include "options.hpp"

namespace iht::cli {
namespace {

struct RunFlags {
  int sparsity = 0;
  long run = -1;
  uint64_t master_seed = 0;
  uint64_t data_seed = 0, init_seed = 0, support_seed = 0;
  std::string backend = "auto";
  bool json = false, trace = false;
};

/// JSON numbers cannot be inf or nan: those become null.
nlohmann::ordered_json number(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json numbers(const std::vector<double>& v) {
  auto a = nlohmann::ordered_json::array();
  for (double x : v) a.push_back(number(x));
  return a;
}

/// run_known: the run came from --run R (else from three seeds, which name no run index).
void print_json(const RunResult& r, const RunDetail& d, const ExperimentConfig& c, const Dataset& data,
                const std::string& backend, bool run_known) {
  nlohmann::ordered_json j;
  j["sparsity"] = r.spec.sparsity;
  j["run"] = run_known ? nlohmann::ordered_json(r.spec.run) : nlohmann::ordered_json(nullptr);
  j["data_seed"] = r.spec.data_seed;
  j["init_seed"] = r.spec.init_seed;
  j["support_seed"] = r.spec.support_seed;
  j["lipschitz"] = number(r.lipschitz);
  j["step_size"] = number(r.step_size);
  j["steps"] = r.steps;
  j["stop"] = to_string(r.stop);
  j["train_loss"] = number(r.train_loss);
  j["train_acc"] = number(r.train_acc);
  j["test_loss"] = number(r.test_loss);
  j["test_acc"] = number(r.test_acc);
  j["eps"] = nullptr;  // needs the paired dense run: see runs.csv of a sweep
  j["ht_stable"] = r.ht_stable;
  j["ht_margin"] = number(r.ht_margin);
  j["grad_support_inf"] = number(r.grad_support_inf);
  j["backend"] = backend;
  j["config"] = {{"max_steps", c.max_steps}, {"tol", c.tol}, {"n_monte", c.n_monte},
                 {"step_size", c.step_size > 0 ? nlohmann::ordered_json(c.step_size) : nlohmann::ordered_json("monte_carlo")},
                 {"precision", to_string(c.precision)}, {"data", data.path}};
  if (c.hidden > 0) {  // absent for the one-layer network: the output as before
    j["config"]["hidden"] = c.hidden;
    j["config"]["activation"] = to_string(c.activation);
  }
  j["param_names"] = network_of(data, c).parameter_names();
  j["train_indices"] = d.train_indices;
  j["test_indices"] = d.test_indices;
  j["theta0"] = numbers(d.theta0);
  j["theta"] = numbers(r.theta);
  j["grad"] = numbers(d.grad);
  if (!d.trace.train_loss.empty())
    j["trace"] = {{"train_loss", numbers(d.trace.train_loss)},
                  {"test_loss", numbers(d.trace.test_loss)},
                  {"support_size", d.trace.support_size}};
  std::cout << j.dump(1) << "\n";
}

void print_list(const char* label, const std::vector<int>& v) {
  std::cout << label;
  for (size_t i = 0; i < v.size(); ++i) std::cout << (i ? " " : "") << v[i];
  std::cout << "\n";
}

void print_text(const RunResult& r, const RunDetail& d, const Network& net, const std::string& backend) {
  const auto& s = r.spec;
  std::cout << "run: s = " << s.sparsity << "   data seed " << s.data_seed << "   init seed " << s.init_seed
            << "   support seed " << s.support_seed << "   (" << backend << ")\n";
  std::cout << "split: " << d.train_indices.size() << " train / " << d.test_indices.size()
            << " test samples (0-based data rows)\n";
  print_list("  train: ", d.train_indices);
  print_list("  test:  ", d.test_indices);
  std::cout << std::setprecision(10);
  std::cout << "L-hat = " << printable(r.lipschitz) << "   step size = " << printable(r.step_size) << "\n";
  std::cout << "stopped by " << to_string(r.stop) << " after " << r.steps << " steps\n";
  std::cout << "train loss " << printable(r.train_loss) << "   train acc " << printable(r.train_acc) << "\n";
  std::cout << "test loss  " << printable(r.test_loss) << "   test acc  " << printable(r.test_acc) << "\n";
  std::cout << "HT-stable: " << (r.ht_stable ? "yes" : "no") << "   margin " << printable(r.ht_margin)
            << "   max |grad| on support " << printable(r.grad_support_inf) << "\n\n";
  const auto names = net.parameter_names();
  size_t longest = 5;
  for (const auto& name : names) longest = std::max(longest, name.size());
  const int width = static_cast<int>(longest) + 1;  // 6 for the paper's names, as before
  std::cout << std::setw(width) << "param" << std::setw(18) << "theta0" << std::setw(18) << "theta*"
            << std::setw(18) << "grad f(theta*)" << "\n";
  for (size_t i = 0; i < names.size(); ++i)
    std::cout << std::setw(width) << names[i] << std::setw(18) << printable(d.theta0[i]) << std::setw(18)
              << printable(r.theta[i]) << std::setw(18) << printable(d.grad[i]) << "\n";
  if (d.trace.train_loss.empty()) return;
  std::cout << "\ntrace (the reference, float64; step 0 is theta0)\n"
            << std::setw(8) << "step" << std::setw(18) << "train loss" << std::setw(18) << "test loss" << std::setw(9)
            << "support" << "\n";
  for (size_t k = 0; k < d.trace.train_loss.size(); ++k)
    std::cout << std::setw(8) << k << std::setw(18) << printable(d.trace.train_loss[k]) << std::setw(18)
              << printable(d.trace.test_loss[k]) << std::setw(9) << d.trace.support_size[k] << "\n";
}

int run_one(RunFlags f, ExperimentFlags& flags, bool seeds_given) {
  const ExperimentConfig config = flags.resolve();
  const Dataset data = load_dataset(flags.data);
  const Network net = network_of(data, config);
  const int n = static_cast<int>(net.parameters());
  if (f.sparsity < 1 || f.sparsity > n)
    throw InputError("--sparsity " + std::to_string(f.sparsity) + " is out of range 1.." + std::to_string(n));
  RunSpec spec;
  if (f.run >= 0) {
    if (seeds_given) throw InputError("give either --run (with --seed) or the three seeds, not both");
    spec = derive_run(f.master_seed, f.run, f.sparsity);
  } else {
    if (!seeds_given) throw InputError("give --data-seed, --init-seed and --support-seed (or --run R)");
    spec = RunSpec{f.sparsity, 0, f.data_seed, f.init_seed, f.support_seed};
  }
  const BackendKind requested = parse_backend(f.backend);
  auto backend = make_backend(requested, 1);
  say_why_not_gpu(requested, *backend);
  RunDetail detail;
  Progress progress;
  const RunResult result = run_in_detail(data, config, spec, *backend, detail, f.trace, progress);
  if (f.json)
    print_json(result, detail, config, data, backend->name(), f.run >= 0);
  else
    print_text(result, detail, net, backend->name());
  return 0;
}

}  // namespace

Command add_run_command(CLI::App& app) {
  auto* sub = app.add_subcommand("run", "One run in detail: split, theta0, step size, theta*, gradient, metrics");
  auto f = std::make_shared<RunFlags>();
  auto flags = std::make_shared<ExperimentFlags>();
  add_integer(*sub, "--sparsity", f->sparsity, 1, kMaxNetworkParams, "Sparsity s (1..n; n is dense)")->required();
  auto* d = add_integer(*sub, "--data-seed", f->data_seed, uint64_t{0}, kMaxSeed, "Seed of the train/test split");
  auto* i = add_integer(*sub, "--init-seed", f->init_seed, uint64_t{0}, kMaxSeed,
                        "Seed of the initial values and the Monte Carlo step size");
  auto* s = add_integer(*sub, "--support-seed", f->support_seed, uint64_t{0}, kMaxSeed, "Seed of the initial support");
  d->needs(i, s);
  i->needs(d, s);
  s->needs(d, i);
  auto* run = add_integer(*sub, "--run", f->run, 0L, kMaxRunsPerLevel - 1,
                          "Instead of seeds: run index R of a sweep with --seed");
  add_integer(*sub, "--seed", f->master_seed, uint64_t{0}, kMaxSeed, "Master seed of the sweep (with --run)")
      ->needs(run);  // beside the three seeds it would be ignored
  sub->add_option("--backend", f->backend, "auto | gpu | cpu | reference")->capture_default_str();
  sub->add_flag("--json", f->json, "Print JSON (keys as runs.csv, plus the arrays)");
  sub->add_flag("--trace", f->trace, "Add the train/test loss and support size at every step");
  flags->add_to(*sub);
  return {sub, [=] { return run_one(*f, *flags, d->count() > 0); }};
}

}  // namespace iht::cli
