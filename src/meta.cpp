#include "ihtbatch/meta.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ihtbatch/journal.hpp"
#include "ihtbatch/network.hpp"
#include "ihtbatch/version.hpp"
#include "parallel.hpp"

namespace iht {

std::string meta_json(const SweepConfig& c, const Dataset& data, const SweepRecord& rec) {
  nlohmann::ordered_json j;
  j["program"] = "ihtbatch";
  j["version"] = version();
  j["git_commit"] = git_commit();
  j["started_utc"] = rec.started_utc;
  j["complete"] = rec.runs_done == rec.runs_planned;
  j["runs_planned"] = rec.runs_planned;
  j["runs_done"] = rec.runs_done;
  j["backend"] = rec.backend;
  j["device"] = rec.device;
  if (!rec.simd.empty()) j["simd"] = rec.simd;  // the path taken (IHTBATCH_SIMD, docs/SPEC.md §7)
  j["precision"] = to_string(c.experiment.precision);
  j["threads"] = resolve_threads(c.threads);  // the count the CPU backends use (0: every core)
  const Network net = network_of(data, c.experiment);
  j["data"] = {{"path", data.path},          {"samples", data.samples},
               {"features", data.features},  {"classes", data.classes},
               {"parameters", net.parameters()}, {"train", data.train_size()},
               {"test", data.test_size()}};
  if (net.hidden > 0)  // absent for the one-layer network: meta.json as before (docs/SPEC.md Part II)
    j["network"] = {{"inputs", net.inputs},
                    {"hidden", net.hidden},
                    {"activation", to_string(net.activation)},
                    {"classes", net.classes},
                    {"parameters", net.parameters()}};
  j["sparsity"] = c.sparsities;
  j["runs"] = c.runs;
  if (c.shard_count > 1) j["shard"] = {{"index", c.shard_index}, {"count", c.shard_count}};
  j["config_digest"] = rec.config_digest;
  j["dense"] = c.dense;
  j["seed"] = c.seed;
  j["max_steps"] = c.experiment.max_steps;
  j["tol"] = c.experiment.tol;
  j["n_monte"] = c.experiment.n_monte;
  j["step_size"] = c.experiment.step_size > 0 ? nlohmann::ordered_json(c.experiment.step_size)
                                              : nlohmann::ordered_json("monte_carlo");
  j["wall_time_s"] = rec.wall_s;
  // Rates count what this invocation computed in wall_s, not runs resumed from the journal.
  if (rec.runs_resumed > 0) j["runs_resumed"] = rec.runs_resumed;
  j["runs_per_s"] = rec.wall_s > 0 ? (rec.runs_done - rec.runs_resumed) / rec.wall_s : 0.0;
  j["run_steps"] = rec.total_steps;
  j["run_steps_computed"] = rec.computed_steps;
  j["run_steps_per_s"] = rec.wall_s > 0 ? (rec.total_steps - rec.steps_resumed) / rec.wall_s : 0.0;
  return j.dump(2) + "\n";
}

bool outputs_complete(const SweepConfig& c, const std::string& digest) {
  const std::filesystem::path dir(c.out);
  std::error_code ec;
  if (std::filesystem::exists(dir / kJournalName, ec) || !std::filesystem::is_regular_file(dir / "runs.csv", ec) ||
      !std::filesystem::is_regular_file(dir / "summary.csv", ec))
    return false;
  std::ifstream in(dir / "meta.json");
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return false;
  const auto has = [&](const char* key, const nlohmann::json& want) { return j.contains(key) && j[key] == want; };
  if (!has("complete", true) || !has("config_digest", digest)) return false;
  if (c.shard_count > 1) return has("shard", nlohmann::json{{"index", c.shard_index}, {"count", c.shard_count}});
  return !j.contains("shard");
}

}  // namespace iht
