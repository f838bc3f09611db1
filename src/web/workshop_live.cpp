#include "web/workshop_live.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "core/workshop.hpp"
#include "store/notify.hpp"
#include "store/workshops.hpp"
#include "web/sse.hpp"
#include "web/workshop_view.hpp"

namespace samskap::web {

namespace {

namespace ws = samskap::workshop;

constexpr std::size_t kEventBatch = 1000;
constexpr int kAnswerBurst = 6;                                  // answers at once from one phone
constexpr auto kAnswerRefill = std::chrono::milliseconds(1500);  // one more per this long

std::string phone_topic(const std::string& id) {
  return "p:" + id;
}
std::string screen_topic(const std::string& id, Language lang) {
  return "s:" + id + ":" + std::string(code(lang));
}

std::string state_json(const store::PublicWorkshop& w) {
  nlohmann::json j = {
      {"seq", w.state.seq},       {"activity", w.current ? w.current->id : std::string{}},
      {"index", w.state.current}, {"count", w.activity_count},
      {"open", w.state.open},     {"ended", w.state.ended}};
  return j.dump();
}

// What the fan-out knows of one workshop: the snapshot last sent.
struct Cache {
  std::int64_t seq = 0;
  store::PublicWorkshop pub;
  std::optional<ws::Results> results;  // of the current activity
  std::string join_link;
  // The current activity's answers as last read, oldest first, and where
  // each is; re-read whole when the state changes, otherwise only what
  // changed after `answers_seq`.
  std::string answers_of;
  std::int64_t answers_seq = 0;
  std::vector<ws::StoredAnswer> answers;
  std::unordered_map<std::string, std::size_t> at;
};

}  // namespace

struct WorkshopLive::Impl {
  store::Database& db;
  const Clock& clock;
  const Renderer& renderer;
  LiveOptions options;
  sse::Channels channels;

  std::mutex queue_mu;
  std::condition_variable queue_cv;
  std::set<std::string> pending;
  bool stopping = false;
  bool started = false;
  std::thread fanout;
  std::unique_ptr<store::Listener> listener;

  // Held while a workshop's snapshot is read or changed and its frames go
  // out, so a stream attaches either before a publish (and gets it) or
  // after (and its snapshot already has it).
  std::mutex cache_mu;
  std::unordered_map<std::string, Cache> cache;

  std::mutex rate_mu;
  struct Bucket {
    double tokens = kAnswerBurst;
    std::chrono::steady_clock::time_point at;
  };
  std::unordered_map<std::string, Bucket> buckets;

  Impl(store::Database& d, const Clock& c, const Renderer& r, LiveOptions o)
      : db(d), clock(c), renderer(r), options(o), channels(o.keepalive) {}

  std::string join_link(const std::string& code) const {
    std::string base = options.public_url;
    while (!base.empty() && base.back() == '/')
      base.pop_back();
    return base + "/w/" + code;
  }

  // Loads or refreshes a workshop's snapshot, as of event `upto` at least.
  // A state change re-reads the answers whole; otherwise only the answers
  // changed since the last read are read and merged. cache_mu held.
  Status load(const std::string& id, Cache& c, bool state, bool results, std::int64_t upto) {
    store::WorkshopRepository repo(db, clock);
    if (state) {
      auto pub = repo.public_by_id(id);
      if (!pub) return pub.error();
      c.pub = std::move(*pub);
      c.join_link = join_link(c.pub.join_code);
      c.seq = std::max(c.seq, c.pub.state.seq);
      upto = std::max(upto, c.pub.state.seq);
    }
    if (!results) return Ok{};
    if (!c.pub.current) {
      c.results.reset();
      c.answers.clear();
      c.at.clear();
      c.answers_of.clear();
      return Ok{};
    }
    const std::string& activity = c.pub.current->id;
    const bool whole = state || c.answers_of != activity;
    auto rows = repo.activity_answers(id, activity, whole ? 0 : c.answers_seq);
    if (!rows) return rows.error();
    if (whole) {
      c.answers = std::move(*rows);
      c.at.clear();
      for (std::size_t i = 0; i < c.answers.size(); ++i)
        c.at[c.answers[i].id] = i;
    } else {
      // Changed rows keep their place; new ones are the newest (oldest first).
      for (auto& row : *rows) {
        auto [it, added] = c.at.try_emplace(row.id, c.answers.size());
        if (added)
          c.answers.push_back(std::move(row));
        else
          c.answers[it->second] = std::move(row);
      }
    }
    c.answers_of = activity;
    // Every change up to `upto` is committed and read; later ones may have
    // been read too, and are simply read again next time.
    c.answers_seq = std::max(c.answers_seq, upto);
    c.results = ws::aggregate(c.pub.current->def, c.answers, options.min_group_size);
    return Ok{};
  }

  std::string results_frame(const Cache& c, Language lang) const {
    nlohmann::json j = {{"seq", c.seq},
                        {"activity", c.pub.current ? c.pub.current->id : std::string{}},
                        {"answers", c.results ? c.results->answers : 0},
                        {"revealed", c.pub.state.revealed},
                        {"html", screen_region(renderer, lang, c.pub,
                                               c.results ? &*c.results : nullptr, c.join_link)}};
    return sse::frame("results", j.dump(), c.seq);
  }

  void publish_state(const std::string& id, const Cache& c) {
    const std::string frame = sse::frame("state", state_json(c.pub), c.seq);
    channels.publish(phone_topic(id), frame);
    for (Language lang : {Language::nb, Language::en})
      channels.publish(screen_topic(id, lang), frame);
  }

  void publish_results(const std::string& id, const Cache& c) {
    for (Language lang : {Language::nb, Language::en}) {
      const std::string topic = screen_topic(id, lang);
      if (channels.subscribers(topic) == 0) continue;
      channels.publish(topic, results_frame(c, lang));
    }
  }

  // Publishes what is new for one workshop.
  void process(const std::string& id) {
    std::lock_guard lock(cache_mu);
    auto it = cache.find(id);
    if (it == cache.end()) return;  // nobody of this node is watching
    if (channels.subscribers(phone_topic(id)) == 0 &&
        channels.subscribers(screen_topic(id, Language::nb)) == 0 &&
        channels.subscribers(screen_topic(id, Language::en)) == 0) {
      // Nobody is watching any more: forget it (the next stream reads it afresh).
      cache.erase(it);
      return;
    }
    Cache& c = it->second;
    store::WorkshopRepository repo(db, clock);
    bool state_changed = false;
    bool results_changed = false;
    std::int64_t last = c.seq;
    for (;;) {
      auto events = repo.events_after(id, last, kEventBatch);
      if (!events) {
        spdlog::warn("workshop {}: reading events failed: {}", id, events.error().detail);
        return;
      }
      for (const auto& e : *events) {
        last = std::max(last, e.seq);
        if (e.kind == store::EventKind::state) {
          state_changed = true;
        } else if (!c.pub.current || e.activity_id == c.pub.current->id) {
          results_changed = true;
        }
      }
      if (events->size() < kEventBatch) break;
    }
    if (last == c.seq) return;
    if (state_changed) results_changed = true;
    if (auto s = load(id, c, state_changed, results_changed, last); !s.ok()) {
      // The workshop was deleted (or the database is away): close its streams.
      spdlog::info("workshop {}: {}", id, s.error().detail);
      return;
    }
    c.seq = std::max(c.seq, last);
    if (state_changed) publish_state(id, c);
    if (results_changed) publish_results(id, c);
  }

  void run() {
    for (;;) {
      std::string id;
      {
        std::unique_lock lock(queue_mu);
        queue_cv.wait(lock, [&] { return stopping || !pending.empty(); });
        if (stopping) return;
        id = *pending.begin();
        pending.erase(pending.begin());
      }
      try {
        process(id);
      } catch (const std::exception& e) {
        spdlog::error("workshop {}: fan-out failed: {}", id, e.what());
      }
    }
  }

  void poke(const std::string& id) {
    {
      std::lock_guard lock(queue_mu);
      if (stopping) return;
      pending.insert(id);
    }
    queue_cv.notify_one();
  }

  void poke_all() {
    std::vector<std::string> ids;
    {
      std::lock_guard lock(cache_mu);
      for (const auto& [id, c] : cache)
        ids.push_back(id);
    }
    for (const auto& id : ids)
      poke(id);
  }
};

WorkshopLive::WorkshopLive(store::Database& db, const Clock& clock, const Renderer& renderer,
                           LiveOptions options)
    : impl_(std::make_unique<Impl>(db, clock, renderer, options)) {}

WorkshopLive::~WorkshopLive() {
  stop();
}

Status WorkshopLive::start() {
  {
    std::lock_guard lock(impl_->queue_mu);
    if (impl_->started) return Ok{};
    impl_->started = true;
  }
  impl_->fanout = std::thread([this] { impl_->run(); });
  if (impl_->options.listen && impl_->db.engine() == store::Engine::postgresql) {
    Impl* impl = impl_.get();
    impl_->listener = std::make_unique<store::Listener>(
        impl_->db.connection_url(), std::string(store::kNotifyChannel),
        [impl](const std::string& payload) { impl->poke(payload); }, [impl] { impl->poke_all(); });
    if (auto s = impl_->listener->start(); !s.ok()) return s;
  }
  return Ok{};
}

void WorkshopLive::stop() {
  if (!impl_) return;
  if (impl_->listener) impl_->listener->stop();
  {
    std::lock_guard lock(impl_->queue_mu);
    impl_->stopping = true;
  }
  impl_->queue_cv.notify_all();
  if (impl_->fanout.joinable()) impl_->fanout.join();
  impl_->channels.close_all();
}

void WorkshopLive::poke(const std::string& workshop_id) {
  impl_->poke(workshop_id);
}

Status WorkshopLive::attach(const std::string& workshop_id, Audience audience, Language lang,
                            std::shared_ptr<EventSink> sink,
                            std::optional<std::int64_t> last_seen) {
  std::lock_guard lock(impl_->cache_mu);
  auto it = impl_->cache.find(workshop_id);
  if (it == impl_->cache.end()) {
    Cache c;
    if (auto s = impl_->load(workshop_id, c, true, true, 0); !s.ok()) return s;
    it = impl_->cache.emplace(workshop_id, std::move(c)).first;
  }
  const Cache& c = it->second;
  sink->send(sse::retry(std::chrono::milliseconds(3000)));
  const bool behind = !last_seen || *last_seen < c.seq;
  if (audience == Audience::phone) {
    if (behind) sink->send(sse::frame("state", state_json(c.pub), c.seq));
    impl_->channels.subscribe(phone_topic(workshop_id), std::move(sink));
  } else {
    if (behind) {
      sink->send(sse::frame("state", state_json(c.pub), c.seq));
      sink->send(impl_->results_frame(c, lang));
    }
    impl_->channels.subscribe(screen_topic(workshop_id, lang), std::move(sink));
  }
  // No catch-up poke is needed: the snapshot was read under cache_mu, and a
  // notification of anything committed after it waits for that lock and
  // finds this workshop in the cache.
  return Ok{};
}

Result<std::string> WorkshopLive::screen_html(const std::string& workshop_id, Language lang) {
  Cache c;
  if (auto s = impl_->load(workshop_id, c, true, true, 0); !s.ok()) return s.error();
  return screen_region(impl_->renderer, lang, c.pub, c.results ? &*c.results : nullptr,
                       c.join_link);
}

std::size_t WorkshopLive::streams() const {
  return impl_->channels.total();
}

bool WorkshopLive::allow_answer(const std::string& device_token) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(impl_->rate_mu);
  if (impl_->buckets.size() > 200000) {
    // Forget phones that have been quiet long enough to be full again.
    for (auto it = impl_->buckets.begin(); it != impl_->buckets.end();)
      it = now - it->second.at > kAnswerRefill * kAnswerBurst ? impl_->buckets.erase(it)
                                                              : std::next(it);
  }
  auto [it, inserted] = impl_->buckets.try_emplace(device_token);
  auto& b = it->second;
  if (!inserted) {
    const double refill =
        std::chrono::duration<double>(now - b.at) / std::chrono::duration<double>(kAnswerRefill);
    b.tokens = std::min<double>(kAnswerBurst, b.tokens + refill);
  }
  b.at = now;
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

}  // namespace samskap::web
