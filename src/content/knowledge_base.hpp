#pragma once
// The knowledge base: everything the two seed lectures teach, loaded from the
// TOML files under content/kb/ (one file per topic; format in docs/content.md).
//
// Contract
// - Loading parses and validates every file: each text in both bokmål and
//   English, every stage complete, every cross-reference resolves, every id
//   unique and well-formed, no unknown keys. On failure the result is an Error
//   (code invalid_input, message_key "content.invalid") whose `detail` lists
//   every problem as "file:line: reason", one per line; nothing is half-loaded.
// - A loaded KnowledgeBase is immutable. Copies are cheap and share the data.
//   All const member functions are safe to call from many threads at once.
// - References and pointers returned by accessors stay valid as long as any
//   copy of the KnowledgeBase they came from is alive.
// - Ids are ASCII slugs ("forankring.tydelig-visjon"): lower-case letters,
//   digits and '-', segments joined by '.'. Topic ids have a single segment.
//   Other modules store these ids; they are stable across content edits.

#include <array>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/embedded_file.hpp"
#include "core/error.hpp"
#include "core/language.hpp"

namespace samskap::content {

// A text in both product languages. After a successful load neither is empty.
struct LocalText {
  std::string nb;
  std::string en;

  const std::string& in(Language lang) const noexcept { return lang == Language::en ? en : nb; }
};

// Where an entity is defined, for messages and for "edit this" links:
// file as reported by the loader (e.g. "content/kb/forankring.toml"), 1-based line.
struct Origin {
  std::string file;
  int line = 0;
};

// One bullet: an item of a section, a stage's practice, characteristic,
// approach or suggested MI question, or a reflection task's question.
struct Item {
  std::string id;
  LocalText text;
  std::optional<LocalText> detail;   // a short note under the text
  std::vector<LocalText> examples;   // example phrasings ("Fortell mer om ...")
  std::vector<std::string> sources;  // Source ids
  std::string link;                  // a Topic id this item leads to, or empty
  // True when the text is our own explanation or suggestion, not the seeds'.
  bool editorial = false;
  // Set when the item is a quotation: the text in this language is the
  // original wording; the other language is a translation (ours).
  std::optional<Language> quote;
  Origin origin;
};

struct Section {
  std::string id;
  LocalText title;
  std::optional<LocalText> intro;
  bool editorial = false;
  std::vector<std::string> sources;
  std::vector<Item> items;
  Origin origin;
};

struct Topic {
  std::string id;     // also the URL slug
  int order = 0;      // position on the overview, ascending
  std::string group;  // the parent Topic id ("endringsprosesser"), or empty
  LocalText title;
  LocalText summary;
  bool editorial = false;
  std::vector<std::string> sources;  // Source ids
  std::vector<std::string> related;  // Topic ids
  std::vector<Section> sections;
  Origin origin;
};

// A reference (kilde): written once, language-neutral, with a note per language.
struct Source {
  std::string id;
  std::string citation;
  std::string url;  // may be empty
  std::optional<LocalText> note;
  Origin origin;
};

// A process of change from the «Prosess» column of the Endringsarbeid table.
struct ChangeProcess {
  std::string id;  // "prosess.bevisstgjoring"
  LocalText name;
  std::optional<LocalText> detail;
  std::vector<std::string> sources;
  Origin origin;
};

struct StageProcess {
  std::string id;          // ChangeProcess id
  bool secondary = false;  // shown in parentheses in the table, e.g. "(belønning)"
};

// One phase of the stages-of-change model (Endringsarbeid).
struct Stage {
  std::string id;    // "stadium.overveielse"
  std::string slug;  // "overveielse": the last id segment, for URLs
  int order = 0;     // 1..6
  LocalText name;
  std::optional<LocalText> table_name;  // the table's name when it differs ("Planlegging")
  LocalText description;                // the table's «Beskrivelse»
  LocalText time_criterion;
  std::vector<StageProcess> processes;      // the table's «Prosess»
  std::optional<LocalText> processes_note;  // instead of/besides processes (relapse)
  std::vector<Item> practice;               // the table's «Praksis»
  std::optional<LocalText> practice_note;
  std::vector<Item> characteristics;    // from the phase slide
  std::vector<Item> approach;           // what the facilitator does, from the phase slide
  std::vector<Item> mi_questions;       // OUR suggestions in MI spirit (editorial = true)
  std::string previous;                 // Stage id or empty
  std::string next;                     // Stage id or empty
  std::vector<std::string> returns_to;  // relapse: the stages one may fall back to
  std::vector<std::string> sources;
  Origin origin;
};

// The stage ids in model order. A valid knowledge base has exactly these.
inline constexpr std::array<std::string_view, 6> kStageIds = {
    "stadium.foroverveielse", "stadium.overveielse", "stadium.forberedelse",
    "stadium.handling",       "stadium.vedlikehold", "stadium.tilbakefall"};

// One of the UN Sustainable Development Goals; usable as a tag ("sdg.3").
struct SdgGoal {
  std::string id;
  int number = 0;  // 1..17
  LocalText name;
  Origin origin;
};

// The Cynefin domain ids in order. A valid knowledge base has exactly these.
inline constexpr std::array<std::string_view, 5> kCynefinIds = {
    "cynefin.clear", "cynefin.complicated", "cynefin.complex", "cynefin.chaotic",
    "cynefin.disorder"};

// A Cynefin domain (Snowden & Boone 2007).
struct CynefinDomain {
  std::string id;    // "cynefin.complex"
  std::string slug;  // "complex"
  int order = 0;
  LocalText name;
  LocalText description;
  LocalText approach;  // the decision model, e.g. "Probe – sense – respond"
  LocalText practice;  // what to do
  std::vector<std::string> sources;
  Origin origin;
};

struct ReflectionTask {
  std::string id;  // "refleksjon.motstand"
  LocalText title;
  std::string topic;              // the Topic it belongs with
  bool reflection_slide = false;  // the lecture heads it «Refleksjonsoppgave»
  std::vector<Item> questions;
  std::vector<std::string> sources;
  Origin origin;
};

// A kind of co-creation partner ("partner.sykehus").
struct PartnerType {
  std::string id;
  LocalText name;
  std::string topic;  // the Topic that defines it
  std::vector<std::string> sources;
  Origin origin;
};

// A row of the Kommune 1.0 / 2.0 / 3.0 table.
struct MunicipalityRow {
  std::string id;
  LocalText aspect;
  LocalText level_1;
  LocalText level_2;
  LocalText level_3;
  Origin origin;
};

struct ExampleResponse {
  std::string id;
  std::string level;  // "1.0", "2.0" or "3.0"
  LocalText text;
  std::vector<std::string> partners;  // PartnerType ids
  Origin origin;
};

// A worked request example (the ALS request).
struct RequestExample {
  std::string id;
  std::string topic;
  LocalText request;
  LocalText question;
  std::vector<ExampleResponse> responses;  // ordered by level
  Origin origin;
};

// Anything that has an id.
using Entity = std::variant<const Topic*, const Section*, const Item*, const Source*,
                            const ChangeProcess*, const Stage*, const SdgGoal*,
                            const CynefinDomain*, const ReflectionTask*, const PartnerType*,
                            const MunicipalityRow*, const RequestExample*, const ExampleResponse*>;

// A problem found while loading: "file:line: reason".
struct Diagnostic {
  std::string file;
  int line = 0;
  std::string reason;

  std::string to_string() const;
};

// A file handed to the loader: `path` is used in diagnostics as given.
struct SourceFile {
  std::string path;
  std::string data;
};

class KnowledgeBase {
 public:
  // Parses and validates `files` (each a topic file). On failure returns
  // invalid_input "content.invalid" with every diagnostic in `detail`; when
  // `diagnostics` is non-null it also receives them (cleared first).
  static Result<KnowledgeBase> load(std::span<const SourceFile> files,
                                    std::vector<Diagnostic>* diagnostics = nullptr);

  // The files compiled into the binary: every embedded path "kb/**.toml";
  // diagnostics name them "content/kb/...".
  static Result<KnowledgeBase> load_embedded(std::vector<Diagnostic>* diagnostics = nullptr);

  // Every *.toml under `kb_dir` (recursively, in path order). Fails with
  // not_found "content.kb_dir_missing" if the directory cannot be read.
  static Result<KnowledgeBase> load_directory(const std::filesystem::path& kb_dir,
                                              std::vector<Diagnostic>* diagnostics = nullptr);

  // The embedded knowledge base, loaded once on first use (thread-safe).
  // Throws std::runtime_error if it is broken, which the build-time check and
  // the tests rule out.
  static const KnowledgeBase& embedded();

  // Topics ordered by `order`, then id.
  const std::vector<Topic>& topics() const;
  const std::vector<Source>& sources() const;
  const std::vector<ChangeProcess>& processes() const;
  // Stages in model order: kStageIds.
  const std::vector<Stage>& stages() const;
  // Goals ordered by number.
  const std::vector<SdgGoal>& sdg_goals() const;
  const std::vector<CynefinDomain>& cynefin_domains() const;
  const std::vector<ReflectionTask>& reflection_tasks() const;
  const std::vector<PartnerType>& partner_types() const;
  const std::vector<MunicipalityRow>& municipality_table() const;
  const std::vector<RequestExample>& request_examples() const;

  // Lookups by id; nullptr when there is no such id of that kind.
  const Topic* topic(std::string_view id) const;
  const Source* source(std::string_view id) const;
  const ChangeProcess* process(std::string_view id) const;
  const Stage* stage(std::string_view id) const;
  const Stage* stage_by_slug(std::string_view slug) const;  // "overveielse"
  const SdgGoal* sdg_goal(int number) const;
  const CynefinDomain* cynefin_domain(std::string_view id) const;
  const ReflectionTask* reflection_task(std::string_view id) const;
  const PartnerType* partner_type(std::string_view id) const;
  const Item* item(std::string_view id) const;  // any Item, wherever it sits
  const Section* section(std::string_view id) const;

  // Any entity by id, or nullopt.
  std::optional<Entity> find(std::string_view id) const;

  // The Topic an id belongs to (a topic is its own): stages, processes and
  // their items belong to "endringsarbeid", goals to "baerekraftsmal", etc.
  // Empty when the id is unknown.
  std::string_view topic_of(std::string_view id) const;

  // The anchoring items of Forankring (the seven "forankring.*" items).
  std::span<const Item> anchoring_items() const;

  struct Data;  // the loaded content; defined in knowledge_base.cpp

 private:
  explicit KnowledgeBase(std::shared_ptr<const Data> data) : d_(std::move(data)) {}
  std::shared_ptr<const Data> d_;
};

}  // namespace samskap::content
