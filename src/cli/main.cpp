// ihtbatch: batched IHT experiments. Exit codes: 0 ok, 1 failure, 2 bad input,
// 130 interrupted (the results so far are written).
#include <CLI/CLI.hpp>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "commands.hpp"
#include "ihtbatch/error.hpp"
#include "ihtbatch/simd.hpp"
#include "ihtbatch/version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"ihtbatch: batched sparse neural-network training by Iterative Hard Thresholding"};
  app.set_version_flag("--version", std::string(iht::version()) + " (" + iht::git_commit() + ")\ncpu simd path: " +
                                        iht::simd_summary());
  app.require_subcommand(1);
  const std::vector<iht::cli::Command> commands = {iht::cli::add_sweep_command(app),
                                                   iht::cli::add_run_command(app),
                                                   iht::cli::add_compare_command(app),
                                                   iht::cli::add_supports_command(app),
                                                   iht::cli::add_merge_command(app)};
  // CLI11 reads `--out=` as `--out` and takes the next argument for its
  // value (`--out= --resume` wrote into a directory named --resume): an
  // argument `--name=` with nothing after the `=` is refused here.
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") break;
    if (arg.size() > 3 && arg.rfind("--", 0) == 0 && arg.find('=') == arg.size() - 1) {
      std::cerr << iht::printable(arg)
                << ": nothing after the '=' (give a value, or leave the flag out for its default)\n"
                   "Run with --help for more information.\n";
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    // CLI11's message quotes the argument as given: its control bytes escaped.
    std::cerr << iht::printable(e.what()) << "\nRun with --help for more information.\n";
    return 2;
  }
  // A result written to a full disk or a closed descriptor must not pass for
  // success: standard output is checked once everything is written to it.
  auto finish = [](int code) {
    if (std::cout.flush()) return code;
    std::cerr << "ihtbatch: failed: cannot write standard output\n";
    return code == 0 ? 1 : code;
  };
  try {
    // A bad IHTBATCH_SIMD is an error whatever the backend (docs/SPEC.md §7).
    iht::chosen_simd_path();
    for (const auto& cmd : commands)
      if (cmd.app->parsed()) return finish(cmd.run());
  } catch (const iht::InputError& e) {
    std::cerr << "ihtbatch: error: " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "ihtbatch: failed: out of memory (fewer --runs in one process, or shards: --shard I/N)\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "ihtbatch: failed: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
