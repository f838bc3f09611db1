#include "mi/train.hpp"

#include <linear.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <set>

#include "mi/csv.hpp"
#include "mi/engine.hpp"
#include "mi/text.hpp"

namespace samskap::mi {

const std::vector<std::string>& task_names() {
  static const std::vector<std::string> names = {"main", "talk", "question", "reflection", "input"};
  return names;
}

namespace {

using Table = std::vector<CsvRecord>;

Result<std::pair<Table, std::map<std::string, std::size_t>>> read_table(std::string_view text) {
  if (auto bad = find_invalid_utf8(text))
    return Error::invalid("mi.error.invalid_utf8",
                          "invalid UTF-8 at line " + std::to_string(line_of(text, *bad)));
  auto recs = read_csv(text, 1 << 20);
  if (!recs) return std::move(recs).error();
  if (recs->empty()) return Error::invalid("mi.error.empty", "the CSV file has no rows");
  std::map<std::string, std::size_t> cols;
  for (std::size_t i = 0; i < recs->front().fields.size(); ++i)
    cols.emplace(recs->front().fields[i], i);
  for (const char* need : {"transcript_id", "utterance_id", "interlocutor", "utterance_text"})
    if (!cols.count(need))
      return Error::invalid("mi.error.bad_header",
                            std::string("the CSV header lacks the column ") + need);
  return std::pair{std::move(recs).value(), std::move(cols)};
}

long to_long(const std::string& s) {
  return std::strtol(s.c_str(), nullptr, 10);
}

// Numeric-aware key so that transcript "10" sorts after "9".
std::pair<long, std::string> tkey(const std::string& t) {
  return {to_long(t), t};
}

}  // namespace

Result<std::vector<Example>> load_annomi(std::string_view simple, std::string_view full) {
  auto st = read_table(simple);
  if (!st) return std::move(st).error();
  auto& [rows, cols] = st.value();
  std::vector<Example> out;
  auto field = [&](const CsvRecord& r, const char* name) -> std::string {
    auto it = cols.find(name);
    return it == cols.end() || it->second >= r.fields.size() ? std::string() : r.fields[it->second];
  };
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (r.fields.size() != rows[0].fields.size())
      return Error::invalid("mi.error.bad_csv",
                            "wrong field count at line " + std::to_string(r.line));
    Example e;
    e.transcript = field(r, "transcript_id");
    e.group = field(r, "video_url");
    if (e.group.empty()) e.group = "transcript:" + e.transcript;
    e.utterance_id = to_long(field(r, "utterance_id"));
    auto role = parse_role(field(r, "interlocutor"));
    if (!role)
      return Error::invalid("mi.error.bad_csv",
                            "unknown interlocutor at line " + std::to_string(r.line));
    e.role = *role;
    e.text = field(r, "utterance_text");
    auto put = [&](const char* task, const std::string& v) {
      if (!v.empty() && v != "n/a") e.labels[task] = v;
    };
    if (e.role == Role::facilitator)
      put("main", field(r, "main_therapist_behaviour"));
    else
      put("talk", field(r, "client_talk_type"));
    if (e.role == Role::facilitator) {
      put("question", field(r, "question_subtype"));
      put("reflection", field(r, "reflection_subtype"));
      put("input", field(r, "therapist_input_subtype"));
    }
    out.push_back(std::move(e));
  }
  if (!full.empty()) {
    auto ft = read_table(full);
    if (!ft) return std::move(ft).error();
    auto& [frows, fcols] = ft.value();
    // (transcript, utterance) -> task -> label -> votes
    std::map<std::pair<std::string, long>, std::map<std::string, std::map<std::string, int>>> votes;
    static const std::pair<const char*, const char*> kCols[] = {
        {"question", "question_subtype"},
        {"reflection", "reflection_subtype"},
        {"input", "therapist_input_subtype"}};
    for (std::size_t i = 1; i < frows.size(); ++i) {
      const auto& r = frows[i];
      if (r.fields.size() != frows[0].fields.size())
        return Error::invalid("mi.error.bad_csv",
                              "wrong field count at line " + std::to_string(r.line));
      auto key =
          std::pair{r.fields[fcols["transcript_id"]], to_long(r.fields[fcols["utterance_id"]])};
      for (auto [task, col] : kCols) {
        auto it = fcols.find(col);
        if (it == fcols.end()) continue;
        const auto& v = r.fields[it->second];
        if (!v.empty() && v != "n/a") ++votes[key][task][v];
      }
    }
    for (auto& e : out) {
      auto it = votes.find({e.transcript, e.utterance_id});
      if (it == votes.end() || e.role != Role::facilitator) continue;
      for (const auto& [task, counts] : it->second) {
        std::string best;
        int n = 0;
        for (const auto& [label, c] : counts)  // std::map: alphabetical, so ties keep the first
          if (c > n) best = label, n = c;
        e.labels[task] = best;
      }
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Example& a, const Example& b) {
    auto ka = tkey(a.transcript), kb = tkey(b.transcript);
    if (ka != kb) return ka < kb;
    return a.utterance_id < b.utterance_id;
  });
  return out;
}

Result<std::size_t> apply_translation(std::vector<Example>& data, std::string_view csv) {
  if (auto bad = find_invalid_utf8(csv))
    return Error::invalid("mi.error.invalid_utf8",
                          "invalid UTF-8 at line " + std::to_string(line_of(csv, *bad)));
  auto recs = read_csv(csv, 1 << 20);
  if (!recs) return std::move(recs).error();
  if (recs->empty()) return Error::invalid("mi.error.empty", "the CSV file has no rows");
  std::map<std::string, std::size_t> cols;
  for (std::size_t i = 0; i < recs->front().fields.size(); ++i)
    cols.emplace(recs->front().fields[i], i);
  for (const char* need : {"transcript_id", "utterance_id", "utterance_text"})
    if (!cols.count(need))
      return Error::invalid("mi.error.bad_header",
                            std::string("the CSV header lacks the column ") + need);
  std::map<std::pair<std::string, long>, std::size_t> index;
  for (std::size_t i = 0; i < data.size(); ++i)
    index.emplace(std::pair{data[i].transcript, data[i].utterance_id}, i);
  std::set<std::size_t> seen;
  const std::size_t width = recs->front().fields.size();
  for (std::size_t r = 1; r < recs->size(); ++r) {
    const auto& rec = (*recs)[r];
    const std::string where = " at line " + std::to_string(rec.line);
    if (rec.fields.size() != width)
      return Error::invalid("mi.error.bad_csv", "wrong field count" + where);
    const std::string& tid = rec.fields[cols["transcript_id"]];
    const std::string& uid = rec.fields[cols["utterance_id"]];
    char* end = nullptr;
    const long u = std::strtol(uid.c_str(), &end, 10);
    if (uid.empty() || end == nullptr || *end != '\0')
      return Error::invalid("mi.error.bad_csv", "utterance_id is not a number" + where);
    auto it = index.find({tid, u});
    if (it == index.end())
      return Error::invalid("mi.error.bad_csv",
                            "no utterance " + tid + ":" + uid + " in the source" + where);
    const std::string& text = rec.fields[cols["utterance_text"]];
    if (text.find_first_not_of(" \t") == std::string::npos)
      return Error::invalid("mi.error.bad_csv", "empty translation" + where);
    if (!seen.insert(it->second).second)
      return Error::invalid("mi.error.bad_csv", "utterance " + tid + ":" + uid + " twice" + where);
    data[it->second].text = text;
  }
  return seen.size();
}

Result<NorwegianCorpus> load_norwegian_corpus(const std::filesystem::path& annomi_dir,
                                              const std::filesystem::path& mi_nb_dir) {
  namespace fs = std::filesystem;
  constexpr std::size_t kMax = 64u << 20;
  auto simple = read_file(annomi_dir / "train-simple.csv", kMax);
  if (!simple) return std::move(simple).error();
  auto full = read_file(annomi_dir / "train-full.csv", kMax);
  if (!full) return std::move(full).error();
  auto english = load_annomi(*simple, *full);
  if (!english) return std::move(english).error();
  NorwegianCorpus corpus;
  corpus.translated = std::move(english).value();
  // Sorted file lists, so the corpus (and the models) do not depend on the
  // order the file system lists them in.
  auto csv_files = [](const fs::path& dir) -> Result<std::vector<fs::path>> {
    std::error_code ec;
    std::vector<fs::path> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
      if (it->path().extension() == ".csv") files.push_back(it->path());
    if (ec) return Error::invalid("mi.error.io", dir.string() + ": " + ec.message());
    std::sort(files.begin(), files.end());
    return files;
  };
  auto translations = csv_files(mi_nb_dir / "annomi-nb");
  if (!translations) return std::move(translations).error();
  std::size_t replaced = 0;
  for (const auto& f : *translations) {
    auto text = read_file(f, kMax);
    if (!text) return std::move(text).error();
    auto n = apply_translation(corpus.translated, *text);
    if (!n) {
      Error e = std::move(n).error();
      e.detail = f.filename().string() + ": " + e.detail;
      return e;
    }
    replaced += *n;
  }
  if (replaced != corpus.translated.size())
    return Error::invalid("mi.error.bad_csv", std::to_string(corpus.translated.size() - replaced) +
                                                  " of " +
                                                  std::to_string(corpus.translated.size()) +
                                                  " AnnoMI utterances have no translation");
  auto conversations = csv_files(mi_nb_dir / "samtaler");
  if (!conversations) return std::move(conversations).error();
  for (const auto& f : *conversations) {
    auto text = read_file(f, kMax);
    if (!text) return std::move(text).error();
    auto conv = load_annomi(*text);
    if (!conv) {
      Error e = std::move(conv).error();
      e.detail = f.filename().string() + ": " + e.detail;
      return e;
    }
    for (auto& ex : *conv)
      corpus.conversations.push_back(std::move(ex));
  }
  return corpus;
}

std::vector<FeatureVector> featurise(const std::vector<Example>& data, FeatureSet set,
                                     const Lexicon& lex) {
  std::vector<FeatureVector> out(data.size());
  std::size_t begin = 0;
  while (begin < data.size()) {
    std::size_t end = begin;
    while (end < data.size() && data[end].transcript == data[begin].transcript)
      ++end;
    std::vector<Prepared> prep;
    prep.reserve(end - begin);
    for (std::size_t i = begin; i < end; ++i)
      prep.push_back(prepare(lex, data[i].role, data[i].text));
    for (std::size_t i = begin; i < end; ++i)
      out[i] = extract(set, lex, prep, i - begin);
    begin = end;
  }
  return out;
}

namespace {

void quiet(const char*) {}

struct ModelDeleter {
  void operator()(model* m) const noexcept {
    model* p = m;
    free_and_destroy_model(&p);
  }
};

// Trains one task on the examples `idx` (indices into x / labels).
LinearModel train_task(const std::vector<FeatureVector>& x, const std::vector<std::string>& y,
                       const std::vector<std::size_t>& idx, const TrainOptions& opt, double cost,
                       const std::vector<float>& offsets = {}) {
  // Class names in sorted order; LIBLINEAR labels are their positions.
  std::set<std::string> names;
  for (auto i : idx)
    names.insert(y[i]);
  std::vector<std::string> classes(names.begin(), names.end());
  auto label_of = [&](const std::string& c) {
    return static_cast<int>(std::lower_bound(classes.begin(), classes.end(), c) - classes.begin());
  };
  // Compact feature indices over features with enough document frequency.
  std::map<std::uint32_t, int> df;
  for (auto i : idx)
    for (const auto& f : x[i])
      ++df[f.first];
  std::vector<std::uint32_t> hashes;
  for (const auto& [h, n] : df)
    if (n >= opt.min_df) hashes.push_back(h);
  auto index_of = [&](std::uint32_t h) -> int {
    auto it = std::lower_bound(hashes.begin(), hashes.end(), h);
    return it != hashes.end() && *it == h ? static_cast<int>(it - hashes.begin()) + 1 : 0;
  };
  const int n_feat = static_cast<int>(hashes.size());
  std::vector<std::vector<feature_node>> rows(idx.size());
  std::vector<feature_node*> row_ptr(idx.size());
  std::vector<double> labels(idx.size());
  std::vector<int> count(classes.size(), 0);
  for (std::size_t r = 0; r < idx.size(); ++r) {
    for (const auto& [h, v] : x[idx[r]])
      if (int j = index_of(h); j > 0) rows[r].push_back({j, v});
    rows[r].push_back({n_feat + 1, 1.0});  // bias
    rows[r].push_back({-1, 0.0});
    row_ptr[r] = rows[r].data();
    int l = label_of(y[idx[r]]);
    labels[r] = l;
    ++count[static_cast<std::size_t>(l)];
  }
  problem prob{};
  prob.l = static_cast<int>(idx.size());
  prob.n = n_feat + 1;
  prob.y = labels.data();
  prob.x = row_ptr.data();
  prob.bias = -1;  // the bias column is already in the rows
  std::vector<int> wl(classes.size());
  std::vector<double> wv(classes.size());
  for (std::size_t c = 0; c < classes.size(); ++c) {
    wl[c] = static_cast<int>(c);
    wv[c] = opt.balanced && count[c] > 0
                ? static_cast<double>(idx.size()) / (static_cast<double>(classes.size()) * count[c])
                : 1.0;
  }
  parameter param{};
  param.solver_type = L2R_LR;
  param.eps = 0.01;
  param.C = cost;
  param.nr_weight = static_cast<int>(classes.size());
  param.weight_label = wl.data();
  param.weight = wv.data();
  param.p = 0.1;
  param.init_sol = nullptr;
  set_print_string_function(&quiet);
  const std::size_t k = classes.size();
  std::srand(opt.seed);
  std::unique_ptr<model, ModelDeleter> m(::train(&prob, &param));

  std::vector<int> mlabels(k);
  get_labels(m.get(), mlabels.data());
  std::vector<float> bias(k);
  std::vector<std::uint32_t> kept;
  std::vector<float> weights;
  // LIBLINEAR orders classes by first appearance; map them to sorted order.
  std::vector<int> slot(k);
  for (std::size_t li = 0; li < k; ++li)
    slot[static_cast<std::size_t>(mlabels[li])] = static_cast<int>(li);
  for (std::size_t c = 0; c < k; ++c)
    bias[c] = static_cast<float>(get_decfun_coef(m.get(), n_feat + 1, slot[c])) +
              (c < offsets.size() ? offsets[c] : 0.0f);
  std::vector<float> w(k);
  for (int j = 1; j <= n_feat; ++j) {
    bool any = false;
    for (std::size_t c = 0; c < k; ++c) {
      w[c] = static_cast<float>(get_decfun_coef(m.get(), j, slot[c]));
      any = any || std::abs(w[c]) >= 1e-4f;
    }
    if (!any) continue;
    kept.push_back(hashes[static_cast<std::size_t>(j - 1)]);
    weights.insert(weights.end(), w.begin(), w.end());
  }
  return LinearModel(std::move(classes), std::move(bias), std::move(kept), std::move(weights));
}

std::vector<std::string> labels_of(const std::vector<Example>& data, const std::string& task) {
  std::vector<std::string> y(data.size());
  for (std::size_t i = 0; i < data.size(); ++i) {
    auto it = data[i].labels.find(task);
    if (it != data[i].labels.end()) y[i] = it->second;
  }
  return y;
}

std::string argmax(const LinearModel& m, const FeatureVector& x) {
  auto p = m.predict(x);
  return m.classes()[static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin())];
}

// Folds of the groups of `idx`: groups ordered by a fixed hash of their name,
// then dealt round robin, so the split does not depend on the order of rows.
std::map<std::string, int> assign_folds(const std::vector<Example>& data,
                                        const std::vector<std::size_t>& idx, int folds) {
  std::vector<std::string> groups;
  for (auto i : idx)
    groups.push_back(data[i].group);
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  std::sort(groups.begin(), groups.end(), [](const std::string& a, const std::string& b) {
    auto ha = fnv1a64(a), hb = fnv1a64(b);
    return ha != hb ? ha < hb : a < b;
  });
  std::map<std::string, int> fold_of;
  for (std::size_t g = 0; g < groups.size(); ++g)
    fold_of[groups[g]] = static_cast<int>(g % static_cast<std::size_t>(folds));
  return fold_of;
}

double macro_f1_of(const std::vector<int>& gold, const std::vector<int>& pred, std::size_t k) {
  std::vector<int> tp(k, 0), fp(k, 0), fn(k, 0), seen(k, 0);
  for (std::size_t i = 0; i < gold.size(); ++i) {
    auto g = static_cast<std::size_t>(gold[i]), p = static_cast<std::size_t>(pred[i]);
    seen[g] = 1;
    if (g == p)
      ++tp[g];
    else
      ++fn[g], ++fp[p];
  }
  double sum = 0;
  int n = 0;
  for (std::size_t c = 0; c < k; ++c) {
    if (!seen[c]) continue;
    ++n;
    if (tp[c] > 0) sum += 2.0 * tp[c] / (2.0 * tp[c] + fp[c] + fn[c]);
  }
  return n == 0 ? 0.0 : sum / n;
}

// Per-class offsets added to the decision values that maximise macro-F1 on
// (decision values, gold) pairs: coordinate ascent over a fixed grid, ties
// to the smaller offset, so the result is deterministic.
std::vector<float> tune_offsets(const std::vector<std::vector<double>>& dec,
                                const std::vector<int>& gold, std::size_t k) {
  std::vector<float> off(k, 0.0f);
  std::vector<int> pred(gold.size());
  auto eval = [&] {
    for (std::size_t i = 0; i < dec.size(); ++i) {
      std::size_t best = 0;
      for (std::size_t c = 1; c < k; ++c)
        if (dec[i][c] + off[c] > dec[i][best] + off[best]) best = c;
      pred[i] = static_cast<int>(best);
    }
    return macro_f1_of(gold, pred, k);
  };
  double cur = eval();
  for (int round = 0; round < 2; ++round) {
    for (std::size_t c = 0; c < k; ++c) {
      float keep = off[c];
      float best_off = keep;
      double best = cur;
      for (int step = -15; step <= 15; ++step) {
        float o = 0.1f * static_cast<float>(step);
        off[c] = o;
        double f = eval();
        if (f > best + 1e-12 || (std::abs(f - best) <= 1e-12 && std::abs(o) < std::abs(best_off))) {
          best = f;
          best_off = o;
        }
      }
      off[c] = best_off;
      cur = best;
    }
  }
  return off;
}

std::vector<std::string> sorted_classes(const std::vector<std::string>& y,
                                        const std::vector<std::size_t>& idx) {
  std::set<std::string> names;
  for (auto i : idx)
    names.insert(y[i]);
  return {names.begin(), names.end()};
}

// Chooses C and the offsets for one task from the training examples `idx`
// only, by grouped cross-validation among them.
TaskChoice choose(const std::vector<Example>& data, const std::vector<FeatureVector>& x,
                  const std::vector<std::string>& y, const std::vector<std::size_t>& idx,
                  const TrainOptions& opt) {
  TaskChoice choice;
  choice.c = opt.c;
  const auto classes = sorted_classes(y, idx);
  choice.offsets.assign(classes.size(), 0.0f);
  const bool tune_off = opt.tune_offsets;
  const std::vector<double> grid = opt.c_grid.empty() ? std::vector<double>{opt.c} : opt.c_grid;
  if (grid.size() == 1 && !tune_off) {
    choice.c = grid[0];
    return choice;
  }
  auto fold_of = assign_folds(data, idx, opt.inner_folds);
  int folds = 0;
  for (const auto& [g, f] : fold_of)
    folds = std::max(folds, f + 1);
  if (folds < 2) return choice;
  double best_f1 = -1;
  std::vector<std::vector<double>> best_dec;
  std::vector<int> gold_of;
  for (double c : grid) {
    std::vector<std::vector<double>> dec;
    std::vector<int> gold, pred;
    for (int f = 0; f < folds; ++f) {
      std::vector<std::size_t> tr, te;
      for (auto i : idx)
        (fold_of[data[i].group] == f ? te : tr).push_back(i);
      if (tr.empty() || te.empty()) continue;
      LinearModel m = train_task(x, y, tr, opt, c);
      for (auto i : te) {
        auto d = m.decision(x[i]);
        // Into the order of `classes` (a fold may lack a class).
        std::vector<double> full(classes.size(), -1e9);
        for (std::size_t k = 0; k < m.classes().size(); ++k) {
          auto at =
              std::lower_bound(classes.begin(), classes.end(), m.classes()[k]) - classes.begin();
          full[static_cast<std::size_t>(at)] = d[k];
        }
        gold.push_back(static_cast<int>(std::lower_bound(classes.begin(), classes.end(), y[i]) -
                                        classes.begin()));
        pred.push_back(static_cast<int>(std::max_element(full.begin(), full.end()) - full.begin()));
        dec.push_back(std::move(full));
      }
    }
    double f1 = macro_f1_of(gold, pred, classes.size());
    if (f1 > best_f1 + 1e-12) {
      best_f1 = f1;
      choice.c = c;
      best_dec = std::move(dec);
      gold_of = gold;
    }
  }
  if (tune_off) choice.offsets = tune_offsets(best_dec, gold_of, classes.size());
  return choice;
}

}  // namespace

ModelBundle train_bundle(const std::vector<Example>& data, FeatureSet set, const Lexicon& lex,
                         const TrainOptions& opt, std::map<std::string, TaskChoice>* chosen) {
  auto x = featurise(data, set, lex);
  ModelBundle b;
  b.set = set;
  for (const auto& task : task_names()) {
    auto y = labels_of(data, task);
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < y.size(); ++i)
      if (!y[i].empty()) idx.push_back(i);
    if (idx.empty()) continue;
    TaskChoice ch = choose(data, x, y, idx, opt);
    b.tasks.emplace(task, train_task(x, y, idx, opt, ch.c, ch.offsets));
    if (chosen) (*chosen)[task] = std::move(ch);
  }
  return b;
}

TaskReport score(std::string task, const std::vector<std::string>& gold,
                 const std::vector<std::string>& predicted) {
  TaskReport r;
  r.task = std::move(task);
  std::set<std::string> names(gold.begin(), gold.end());
  names.insert(predicted.begin(), predicted.end());
  r.classes.assign(names.begin(), names.end());
  const std::size_t k = r.classes.size();
  r.confusion.assign(k, std::vector<int>(k, 0));
  auto at = [&](const std::string& c) {
    return static_cast<std::size_t>(std::lower_bound(r.classes.begin(), r.classes.end(), c) -
                                    r.classes.begin());
  };
  int correct = 0;
  for (std::size_t i = 0; i < gold.size(); ++i) {
    ++r.confusion[at(gold[i])][at(predicted[i])];
    if (gold[i] == predicted[i]) ++correct;
  }
  r.examples = gold.size();
  r.accuracy = gold.empty() ? 0.0 : static_cast<double>(correct) / static_cast<double>(gold.size());
  double sum = 0;
  std::size_t gold_classes = 0;
  std::set<std::string> gold_set(gold.begin(), gold.end());
  for (std::size_t c = 0; c < k; ++c) {
    int tp = r.confusion[c][c], fp = 0, fn = 0;
    for (std::size_t o = 0; o < k; ++o) {
      if (o == c) continue;
      fp += r.confusion[o][c];
      fn += r.confusion[c][o];
    }
    double f1 = tp == 0 ? 0.0 : 2.0 * tp / (2.0 * tp + fp + fn);
    r.f1.push_back(f1);
    if (gold_set.count(r.classes[c])) {  // macro over the gold classes
      sum += f1;
      ++gold_classes;
    }
  }
  r.macro_f1 = gold_classes == 0 ? 0.0 : sum / static_cast<double>(gold_classes);
  return r;
}

std::vector<TaskReport> cross_validate(const std::vector<Example>& data, FeatureSet set,
                                       const Lexicon& lex, const TrainOptions& opt) {
  auto x = featurise(data, set, lex);
  std::vector<std::size_t> all(data.size());
  for (std::size_t i = 0; i < all.size(); ++i)
    all[i] = i;
  auto fold_of = assign_folds(data, all, opt.folds);

  std::vector<TaskReport> reports;
  for (const auto& task : task_names()) {
    auto y = labels_of(data, task);
    std::vector<std::string> gold, pred;
    for (int f = 0; f < opt.folds; ++f) {
      std::vector<std::size_t> train_idx, test_idx;
      for (std::size_t i = 0; i < data.size(); ++i) {
        if (y[i].empty()) continue;
        (fold_of[data[i].group] == f ? test_idx : train_idx).push_back(i);
      }
      if (train_idx.empty() || test_idx.empty()) continue;
      // Nested: C and offsets from the training folds only.
      TaskChoice ch = choose(data, x, y, train_idx, opt);
      LinearModel m = train_task(x, y, train_idx, opt, ch.c, ch.offsets);
      for (auto i : test_idx) {
        gold.push_back(y[i]);
        pred.push_back(argmax(m, x[i]));
      }
    }
    if (!gold.empty()) reports.push_back(score(task, gold, pred));
  }
  return reports;
}

std::vector<TaskReport> evaluate(const ModelBundle& bundle, const std::vector<Example>& data,
                                 const Lexicon& lex) {
  auto x = featurise(data, bundle.set, lex);
  std::vector<TaskReport> reports;
  for (const auto& task : task_names()) {
    auto it = bundle.tasks.find(task);
    if (it == bundle.tasks.end()) continue;
    auto y = labels_of(data, task);
    std::vector<std::string> gold, pred;
    for (std::size_t i = 0; i < data.size(); ++i) {
      if (y[i].empty()) continue;
      gold.push_back(y[i]);
      pred.push_back(argmax(it->second, x[i]));
    }
    if (!gold.empty()) reports.push_back(score(task, gold, pred));
  }
  return reports;
}

}  // namespace samskap::mi
