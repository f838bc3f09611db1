#include "mail/outbox.hpp"

#include "store/mail_queue.hpp"

namespace samskap::mail {

std::string fill_placeholders(
    std::string text, std::initializer_list<std::pair<std::string_view, std::string>> values) {
  for (const auto& [name, value] : values) {
    const std::string token = "{{" + std::string(name) + "}}";
    for (auto p = text.find(token); p != std::string::npos; p = text.find(token, p + value.size()))
      text.replace(p, token.size(), value);
  }
  return text;
}

namespace {

// One line for a subject: line breaks from a typed-in name become spaces.
std::string one_line(std::string s) {
  for (auto& c : s)
    if (c == '\r' || c == '\n') c = ' ';
  return s;
}

Result<std::string> queue(store::Database& db, const Clock& clock, const content::Catalog& cat,
                          Language lang, store::MailKind kind, std::string_view prefix,
                          const std::string& org, const std::string& user, const std::string& to,
                          std::initializer_list<std::pair<std::string_view, std::string>> vars) {
  store::MailDraft d;
  d.organisation_id = org;
  d.user_id = user;
  d.kind = kind;
  d.to = to;
  d.subject = one_line(
      fill_placeholders(std::string(cat.text(lang, std::string(prefix) + ".subject")), vars));
  d.body = fill_placeholders(std::string(cat.text(lang, std::string(prefix) + ".body")), vars);
  return store::MailQueue(db, clock).enqueue(d);
}

}  // namespace

Result<std::string> Outbox::invitation(Language lang, const std::string& organisation_id,
                                       const std::string& user_id, const std::string& to,
                                       const std::string& name, const std::string& organisation,
                                       const std::string& token, int days) const {
  if (!options_.enabled) return std::string();
  return queue(db_, clock_, catalog_, lang, store::MailKind::invitation, "mail.invitation",
               organisation_id, user_id, to,
               {{"name", name},
                {"organisation", organisation},
                {"link", options_.public_url + "/invitasjon/" + token},
                {"days", std::to_string(days)}});
}

Result<std::string> Outbox::password_reset(Language lang, const std::string& organisation_id,
                                           const std::string& user_id, const std::string& to,
                                           const std::string& name, const std::string& token,
                                           int hours) const {
  if (!options_.enabled) return std::string();
  return queue(db_, clock_, catalog_, lang, store::MailKind::password_reset, "mail.reset",
               organisation_id, user_id, to,
               {{"name", name},
                {"link", options_.public_url + "/nullstill/" + token},
                {"hours", std::to_string(hours)}});
}

Result<std::string> Outbox::collaborator(Language lang, const std::string& organisation_id,
                                         const std::string& user_id, const std::string& to,
                                         const std::string& name, const std::string& organisation,
                                         const std::string& title, const std::string& path) const {
  if (!options_.enabled) return std::string();
  return queue(db_, clock_, catalog_, lang, store::MailKind::collaborator, "mail.collaborator",
               organisation_id, user_id, to,
               {{"name", name},
                {"organisation", organisation},
                {"initiative", title},
                {"link", options_.public_url + path}});
}

Result<std::string> Outbox::setup(Language lang, const std::string& to, const std::string& token,
                                  int hours) const {
  if (!options_.enabled) return std::string();
  return queue(
      db_, clock_, catalog_, lang, store::MailKind::setup, "mail.setup", "", "", to,
      {{"link", options_.public_url + "/oppsett/" + token}, {"hours", std::to_string(hours)}});
}

}  // namespace samskap::mail
