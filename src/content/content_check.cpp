// samskap_content_check <kb_dir>: validates the knowledge base files on disk.
//
// Run by the build (target samskap_content_validate, part of ALL) and by CTest,
// so a broken content file fails the build. Prints every problem as
// "file:line: reason" on stderr and exits 1; prints a one-line summary and
// exits 0 when the content is valid. Also builds the search index, so content
// that loads but cannot be indexed fails here too.

#include <cstdio>
#include <string>
#include <vector>

#include "content/knowledge_base.hpp"
#include "content/search.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <content/kb directory>\n", argv[0]);
    return 2;
  }
  using samskap::content::KnowledgeBase;
  std::vector<samskap::content::Diagnostic> diags;
  auto kb = KnowledgeBase::load_directory(argv[1], &diags);
  if (!kb) {
    if (diags.empty()) {
      std::fprintf(stderr, "%s: %s\n", argv[1], kb.error().detail.c_str());
    }
    for (const auto& d : diags)
      std::fprintf(stderr, "%s\n", d.to_string().c_str());
    std::fprintf(stderr, "knowledge base: %zu problem(s); see docs/content.md\n", diags.size());
    return 1;
  }
  auto index = samskap::content::SearchIndex::build(*kb);
  if (!index) {
    std::fprintf(stderr, "%s: search index: %s\n", argv[1], index.error().detail.c_str());
    return 1;
  }
  std::printf("knowledge base OK: %zu topics, %zu stages, %zu goals, %zu reflection tasks\n",
              kb->topics().size(), kb->stages().size(), kb->sdg_goals().size(),
              kb->reflection_tasks().size());
  return 0;
}
