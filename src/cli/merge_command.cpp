// `ihtbatch merge --out DIR SHARD_DIR...`: the shards of one sweep joined
// (ihtbatch/merge.hpp).
#include <iostream>

#include "commands.hpp"
#include "ihtbatch/merge.hpp"
#include "text_option.hpp"

namespace iht::cli {

Command add_merge_command(CLI::App& app) {
  auto* sub = app.add_subcommand("merge", "Join the shards of one sweep (sweep --shard I/N) into its outputs");
  auto out = std::make_shared<std::string>("results");
  auto shards = std::make_shared<std::vector<std::string>>();
  sub->add_option("--out", *out, "Output directory")->capture_default_str()->check(not_empty());
  sub->add_option("shards", *shards, "The shards' output directories")
      ->required()
      ->check(not_empty("name each shard's directory"));
  return {sub, [=] {
            const long runs = merge_shards(*shards, *out);
            std::cerr << "merged " << shards->size() << " shards, " << runs << " runs, into " << *out << "\n";
            return 0;
          }};
}

}  // namespace iht::cli
