// bench mi (issue 7): the MI coder's throughput once loaded, the engine's load
// time and the model files' size, with a plain bag-of-words tokenise-and-count
// pass over the same utterances as the baseline in the same run.
//
// Usage: bench_mi REPO_ROOT [SECONDS_PER_MEASUREMENT]
// Prints `bench mi: key=value …` lines on stdout (see bench/README.md). Exits
// 1 when an answer is wrong (checked before measuring) or a file is missing.

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "mi/analysis.hpp"
#include "mi/coder.hpp"
#include "mi/engine.hpp"
#include "mi/train.hpp"

namespace {

using namespace samskap;

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double wall_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "bench mi: error: %s\n", why.c_str());
  std::exit(1);
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) die("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The baseline: lower-case ASCII, split on anything that is not a letter,
// digit or a UTF-8 byte, count the words of each utterance in a hash map.
std::size_t bag_of_words(const std::vector<mi::Utterance>& us) {
  std::unordered_map<std::string, int> counts;
  std::size_t words = 0;
  std::string w;
  for (const auto& u : us) {
    counts.clear();
    w.clear();
    for (char c : u.text) {
      auto b = static_cast<unsigned char>(c);
      if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b >= 0x80) {
        w += c;
      } else if (b >= 'A' && b <= 'Z') {
        w += static_cast<char>(b - 'A' + 'a');
      } else if (!w.empty()) {
        ++counts[w];
        w.clear();
      }
    }
    if (!w.empty()) ++counts[w];
    words += counts.size();
  }
  return words;
}

struct Rate {
  double per_s_cpu = 0, per_s_wall = 0;
  std::size_t done = 0;
};

// Runs `once` (which handles `n` utterances) for at least `seconds` of CPU time.
template <typename F>
Rate measure(std::size_t n, double seconds, F once) {
  once();  // warm up
  const double c0 = thread_cpu_s(), w0 = wall_s();
  std::size_t done = 0;
  do {
    once();
    done += n;
  } while (thread_cpu_s() - c0 < seconds);
  const double c = thread_cpu_s() - c0, w = wall_s() - w0;
  return {static_cast<double>(done) / c, static_cast<double>(done) / w, done};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) die("usage: bench_mi REPO_ROOT [SECONDS [ANNOMI_DIR]]");
  const std::filesystem::path root = argv[1];
  const double seconds = argc > 2 ? std::clamp(std::atof(argv[2]), 0.2, 30.0) : 2.0;
  const std::filesystem::path annomi =
      argc > 3 ? std::filesystem::path(argv[3]) : root / ".." / "shared" / "data" / "annomi";

  // Load time: the whole engine (embedded lexicons, templates, both models), and
  // the English model file alone, from disk bytes already in memory.
  std::vector<double> load_ms, load_cpu_ms, model_ms;
  for (int i = 0; i < 15; ++i) {
    const double t0 = wall_s(), c0 = thread_cpu_s();
    auto e = mi::Engine::load();
    load_ms.push_back((wall_s() - t0) * 1000.0);
    load_cpu_ms.push_back((thread_cpu_s() - c0) * 1000.0);
    if (!e || !e->full_en || !e->cue) die("the engine does not load");
  }
  const std::string full_bytes = slurp(root / "models" / std::string(mi::kFullModelFile));
  const std::string cue_bytes = slurp(root / "models" / std::string(mi::kCueModelFile));
  for (int i = 0; i < 15; ++i) {
    const double t0 = wall_s();
    auto m = mi::ModelBundle::deserialise(full_bytes);
    model_ms.push_back((wall_s() - t0) * 1000.0);
    if (!m) die("models/mi-en-full.bin does not load");
  }
  auto engine = mi::Engine::load();
  if (!engine) die("the engine does not load");

  struct Case {
    const char* lang;
    const char* file;
    Language language;
    std::size_t reflex;  // an utterance that must be flagged as a righting reflex
  };
  const Case cases[] = {{"en", "tests/mi/data/fixtures/session-en.vtt", Language::en, 0},
                        {"nb", "tests/mi/data/fixtures/samtale-nb.txt", Language::nb, 4}};
  bool all_ok = true;
  for (const auto& c : cases) {
    mi::AnalyseOptions options;
    options.language = c.language;
    const std::string text = slurp(root / c.file);
    auto a = mi::analyse(*engine, text, options);
    if (!a) die(std::string(c.file) + ": " + a.error().detail);
    // Check the answer before measuring: every utterance coded, the righting reflex found.
    if (a->codes.size() != a->utterances.size()) die("not every utterance was coded");
    bool reflex = false;
    for (const auto& cu : a->codes)
      reflex |= cu.code.non_adherent;
    if (!reflex) die(std::string(c.file) + ": the righting reflex was not flagged");
    if (c.language == Language::nb && !a->codes[c.reflex].code.non_adherent)
      die("samtale-nb.txt: utterance 5 (advice without permission) was not flagged");

    // Real conversations, coded as wholes: AnnoMI's shared training split in
    // English; in Norwegian, its translation and the team's own conversations
    // (data/mi-nb). Not a repeated fixture: real lengths and vocabulary.
    std::vector<mi::Transcript> convs;
    std::vector<std::map<std::string, mi::Role>> conv_roles;
    std::vector<mi::Utterance> all;
    std::string source;
    {
      std::vector<mi::Example> ex;
      if (c.language == Language::en) {
        auto simple = mi::read_file(annomi / "train-simple.csv", 64u << 20);
        auto full = mi::read_file(annomi / "train-full.csv", 64u << 20);
        if (!simple || !full) die("AnnoMI not found at " + annomi.string());
        auto d = mi::load_annomi(*simple, *full);
        if (!d) die(d.error().detail);
        ex = std::move(d).value();
        source = "annomi";
      } else {
        auto corpus = mi::load_norwegian_corpus(annomi, root / "data" / "mi-nb");
        if (!corpus) die(corpus.error().detail);
        ex = std::move(corpus->translated);
        ex.insert(ex.end(), corpus->conversations.begin(), corpus->conversations.end());
        source = "mi-nb";
      }
      for (std::size_t i = 0; i < ex.size(); ++i) {
        if (i == 0 || ex[i].transcript != ex[i - 1].transcript) {
          convs.emplace_back();
          conv_roles.push_back(
              {{"therapist", mi::Role::facilitator}, {"client", mi::Role::participant}});
        }
        const char* who = ex[i].role == mi::Role::facilitator ? "therapist" : "client";
        convs.back().utterances.push_back({who, ex[i].text, {}, {}, 0});
        all.push_back(convs.back().utterances.back());
      }
    }
    const std::size_t n = all.size();
    std::size_t sink = 0;
    const Rate coder = measure(n, seconds, [&] {
      std::size_t coded = 0;
      for (std::size_t k = 0; k < convs.size(); ++k) {
        auto r = mi::code_transcript(*engine, c.language, convs[k], conv_roles[k]);
        if (!r || r->size() != convs[k].utterances.size()) die("coding failed");
        coded += r->size();
      }
      sink += coded;
    });
    std::vector<std::string> texts;
    for (const auto& t : convs) {
      std::string conversation;
      for (const auto& u : t.utterances)
        conversation += (u.speaker == "therapist" ? "T: " : "C: ") + u.text + "\n\n";
      texts.push_back(std::move(conversation));
    }
    mi::AnalyseOptions whole_options = options;
    whole_options.roles = {{"T", mi::Role::facilitator}, {"C", mi::Role::participant}};
    const Rate whole = measure(n, seconds, [&] {
      for (const auto& conversation : texts) {
        auto r = mi::analyse(*engine, conversation, whole_options);
        if (!r) die("analysis of a real conversation failed: " + r.error().detail);
        sink += r->codes.size();
      }
    });
    const Rate base = measure(n, seconds, [&] { sink += bag_of_words(all); });
    const bool meets = coder.per_s_cpu >= 100000.0;
    all_ok &= meets;
    std::printf(
        "bench mi: target=code lang=%s model=%s source=%s conversations=%zu "
        "utterances_per_s_per_core=%.0f wall_per_s=%.0f baseline_per_s=%.0f "
        "ratio_to_baseline=%.3f target_per_s=100000 meets_target=%s utterances=%zu\n",
        c.lang, a->model.c_str(), source.c_str(), convs.size(), coder.per_s_cpu, coder.per_s_wall,
        base.per_s_cpu, coder.per_s_cpu / base.per_s_cpu, meets ? "yes" : "no", coder.done);
    std::printf(
        "bench mi: target=analyse lang=%s model=%s source=%s utterances_per_s_per_core=%.0f "
        "ratio_to_baseline=%.3f note=parse+language+roles+code+summary+feedback\n",
        c.lang, a->model.c_str(), source.c_str(), whole.per_s_cpu,
        whole.per_s_cpu / base.per_s_cpu);
    if (sink == 0) die("nothing was measured");
  }
  const double load = median(load_ms), load_cpu = median(load_cpu_ms), model = median(model_ms);
  std::printf(
      "bench mi: target=load engine_load_ms=%.2f engine_load_cpu_ms=%.2f "
      "full_model_deserialise_ms=%.2f target_ms=50 meets_target=%s runs=15\n",
      load, load_cpu, model, load < 50.0 ? "yes" : "no");
  const double mb = static_cast<double>(full_bytes.size()) / (1024.0 * 1024.0);
  std::printf(
      "bench mi: target=size full_model_bytes=%zu cue_model_bytes=%zu full_model_mib=%.2f "
      "target_mib=20 meets_target=%s\n",
      full_bytes.size(), cue_bytes.size(), mb, mb < 20.0 ? "yes" : "no");
  all_ok &= load < 50.0 && mb < 20.0;
  std::printf("bench mi: all_targets_met=%s\n", all_ok ? "yes" : "no");
  return 0;
}
