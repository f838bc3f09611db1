#include "web/workshop_view.hpp"

#include <algorithm>

#include "core/readiness.hpp"
#include "web/forms.hpp"

namespace samskap::web {

namespace {

namespace ws = samskap::workshop;
namespace rd = samskap::readiness;

std::string pct(int count, int whole) {
  if (whole <= 0 || count <= 0) return "0";
  return std::to_string(std::clamp((count * 100 + whole / 2) / whole, 0, 100));
}

std::string text(const Renderer& r, Language lang, std::string_view key) {
  return std::string(r.text(lang, key));
}

}  // namespace

void set_type_flags(Data& d, ws::ActivityType t) {
  static constexpr std::pair<ws::ActivityType, const char*> kFlags[] = {
      {ws::ActivityType::reflection, "is_reflection"},
      {ws::ActivityType::word_cloud, "is_words"},
      {ws::ActivityType::scale, "is_scale"},
      {ws::ActivityType::choice, "is_choice"},
      {ws::ActivityType::ranking, "is_ranking"},
      {ws::ActivityType::stage_checkin, "is_stage"},
      {ws::ActivityType::sorting, "is_sorting"}};
  for (const auto& [type, key] : kFlags)
    d.set(key, bool_data(t == type));
}

std::string type_label(const Renderer& r, Language lang, ws::ActivityType t) {
  return text(r, lang, ws::name_key(t));
}

Data results_data(const Renderer& r, Language lang, const ws::ActivityDef& def,
                  const ws::Results& res) {
  Data d{Data::type::object};
  d.set("answers", std::to_string(res.answers));
  // Under the minimum group size a stage check-in reports no count at all
  // (workshop::aggregate), so it says "too few" instead of "none yet".
  d.set("no_answers", bool_data(res.answers == 0 && !(def.type == ws::ActivityType::stage_checkin &&
                                                      !res.stages_shown)));
  set_type_flags(d, def.type);
  switch (def.type) {
    case ws::ActivityType::reflection: {
      Data list{Data::type::list};
      for (const auto& t : res.texts) {
        Data o{Data::type::object};
        o.set("id", t.answer_id);
        o.set("text", t.text);
        o.set("pinned", bool_data(t.pinned));
        list.push_back(o);
      }
      d.set("texts", list);
      break;
    }
    case ws::ActivityType::word_cloud: {
      Data list{Data::type::list};
      const int top = res.words.empty() ? 1 : std::max(1, res.words.front().count);
      for (const auto& w : res.words) {
        Data o{Data::type::object};
        o.set("word", w.display);
        o.set("count", std::to_string(w.count));
        // Five sizes, by the share of the most frequent word.
        const int size = 1 + (w.count * 4 + top / 2) / top;
        o.set("size", std::to_string(std::clamp(size, 1, 5)));
        list.push_back(o);
      }
      d.set("words", list);
      break;
    }
    case ws::ActivityType::scale: {
      Data list{Data::type::list};
      int top = 0;
      for (int c : res.histogram)
        top = std::max(top, c);
      for (int v = 0; v <= 10; ++v) {
        Data o{Data::type::object};
        o.set("value", std::to_string(v));
        o.set("count", std::to_string(res.histogram[static_cast<std::size_t>(v)]));
        o.set("pct", pct(res.histogram[static_cast<std::size_t>(v)], top));
        list.push_back(o);
      }
      d.set("bars", list);
      set_text(d, "mean", res.mean ? format_decimal(*res.mean, lang) : std::string{});
      set_text(d, "median", res.median ? format_decimal(*res.median, lang) : std::string{});
      set_text(d, "min_label", def.scale_min_label);
      set_text(d, "max_label", def.scale_max_label);
      break;
    }
    case ws::ActivityType::choice: {
      Data list{Data::type::list};
      for (const auto& c : res.choices) {
        Data o{Data::type::object};
        o.set("option", c.option);
        o.set("count", std::to_string(c.count));
        o.set("pct", pct(c.count, res.answers));
        list.push_back(o);
      }
      d.set("choices", list);
      break;
    }
    case ws::ActivityType::ranking: {
      Data list{Data::type::list};
      int place = 0;
      const int top = res.ranking.empty() ? 0 : res.ranking.front().points;
      for (const auto& o_ : res.ranking) {
        Data o{Data::type::object};
        o.set("place", std::to_string(++place));
        o.set("option", o_.option);
        o.set("points", std::to_string(o_.points));
        o.set("pct", pct(o_.points, top));
        set_text(o, "mean_rank",
                 o_.mean_rank > 0 ? format_decimal(o_.mean_rank, lang) : std::string{});
        list.push_back(o);
      }
      d.set("ranking", list);
      break;
    }
    case ws::ActivityType::stage_checkin: {
      d.set("stages_shown", bool_data(res.stages_shown));
      Data list{Data::type::list};
      for (std::size_t i = 0; i < rd::kStages.size(); ++i) {
        Data o{Data::type::object};
        o.set("name", text(r, lang, rd::name_key(rd::kStages[i])));
        o.set("shown", bool_data(res.stages_shown && res.stage_shown[i]));
        o.set("count", std::to_string(res.stages[i]));
        o.set("pct", pct(res.stage_shown[i] ? res.stages[i] : 0, res.answers));
        list.push_back(o);
      }
      d.set("stages", list);
      set_text(d, "importance_mean",
               res.importance_mean ? format_decimal(*res.importance_mean, lang) : std::string{});
      set_text(d, "confidence_mean",
               res.confidence_mean ? format_decimal(*res.confidence_mean, lang) : std::string{});
      break;
    }
    case ws::ActivityType::sorting: {
      Data list{Data::type::list};
      for (const auto& c : res.sorting) {
        Data o{Data::type::object};
        o.set("card", c.card);
        o.set("c1", std::to_string(c.counts[0]));
        o.set("c2", std::to_string(c.counts[1]));
        o.set("c3", std::to_string(c.counts[2]));
        // The level most participants chose, for the screen ("2.0").
        int best = -1;
        int best_count = 0;
        for (int l = 0; l < 3; ++l)
          if (c.counts[static_cast<std::size_t>(l)] > best_count) {
            best_count = c.counts[static_cast<std::size_t>(l)];
            best = l;
          }
        set_text(o, "most", best >= 0 ? std::to_string(best + 1) + ".0" : std::string{});
        list.push_back(o);
      }
      d.set("cards", list);
      break;
    }
  }
  return d;
}

std::string screen_region(const Renderer& r, Language lang, const store::PublicWorkshop& w,
                          const ws::Results* results, const std::string& join_link) {
  Data d{Data::type::object};
  d.set("title", w.title);
  d.set("code", w.join_code);
  d.set("link", join_link);
  d.set("ended", bool_data(w.state.ended));
  d.set("has_current", bool_data(w.current.has_value()));
  d.set("open", bool_data(w.state.open));
  d.set("revealed", bool_data(w.state.revealed));
  d.set("position", std::to_string(w.state.current + 1));
  d.set("count", std::to_string(w.activity_count));
  if (w.current) {
    d.set("prompt", w.current->def.prompt);
    d.set("type_label", type_label(r, lang, w.current->def.type));
    d.set("answers", std::to_string(results ? results->answers : 0));
    // A stage check-in is a personal self-assessment: while answers come
    // in, a watcher could see which stage one person's answer moved. Its
    // distribution waits until answering is closed.
    const bool stage_wait = w.current->def.type == ws::ActivityType::stage_checkin && w.state.open;
    d.set("stage_wait", bool_data(stage_wait && w.state.revealed));
    if (results && w.state.revealed && !stage_wait)
      d.set("results_html", r.fragment("fragments/workshop_results",
                                       results_data(r, lang, w.current->def, *results), lang));
  }
  return r.fragment("fragments/workshop_screen", d, lang);
}

}  // namespace samskap::web
