// E-mail settings and message text (issue 13): smtp_from, the RFC 5322 text,
// quoted-printable and encoded subjects, and the e-mail settings of the
// configuration with hostile values.

#include <gtest/gtest.h>

#include <fstream>

#include "cli/config.hpp"
#include "mail/message.hpp"
#include "mail/outbox.hpp"

namespace samskap::mail {
namespace {

std::string qp_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '=' && i + 2 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n') {
      i += 2;
    } else if (s[i] == '=' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
      out += '\n';
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

TEST(MailMessage, Mailboxes) {
  auto a = parse_mailbox("Samskap <samskap@tonsberg.kommune.no>");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->display_name, "Samskap");
  EXPECT_EQ(a->address, "samskap@tonsberg.kommune.no");
  auto b = parse_mailbox("  post@usht.no ");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->address, "post@usht.no");
  EXPECT_TRUE(parse_mailbox("Tønsberg kommune <post@tonsberg.kommune.no>").ok());
  for (const char* bad :
       {"", "samskap", "@kommune.no", "samskap@", "samskap@kommune", "a@b..no",
        "Samskap <samskap@kommune.no", "x <a@b.no> <c@d.no>", "\"Sam\" <a@b.no>",
        "a@b.no\r\nBcc: victim@evil.no", "a b@c.no", "a@b.no>", "a@-b_.no", "Samskap <a@b.no>\n"}) {
    auto r = parse_mailbox(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_TRUE(r.error().detail.starts_with("smtp_from")) << r.error().detail;
    }
  }
}

TEST(MailMessage, QuotedPrintableRoundTripsAndKeepsLinesShort) {
  const std::string text =
      "Hei, Åse Ødegård!\n\nDu er invitert til Samskap. Åpne lenken for å velge et passord "
      "og komme i gang med endringsarbeidet i helse- og omsorgstjenestene:\n"
      "https://samskap.tonsberg.kommune.no/invitasjon/" +
      std::string(64, 'a') + "\nlikhet = 3 \nslutt\t\n.\n";
  std::string qp = quoted_printable(text);
  std::size_t start = 0;
  while (start < qp.size()) {
    auto end = qp.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 76u) << qp.substr(start, end - start);
    auto line = qp.substr(start, end - start);
    if (!line.empty()) {
      EXPECT_NE(line.back(), ' ');
      EXPECT_NE(line.back(), '\t');
    }
    start = end + 2;
  }
  for (unsigned char c : qp)
    EXPECT_TRUE(c == '\r' || c == '\n' || c == '\t' || (c >= 32 && c < 127));
  EXPECT_EQ(qp_decode(qp), text);
}

TEST(MailMessage, HeadersAreEncodedAndCannotBeInjected) {
  EXPECT_EQ(encode_header_text("Plain subject"), "Plain subject");
  auto enc = encode_header_text("Du er invitert til Samskap – Tønsberg kommune");
  EXPECT_TRUE(enc.starts_with("=?UTF-8?B?"));
  for (unsigned char c : enc)
    EXPECT_LT(c, 127);
  // A subject with a line break never reaches the header as two lines.
  auto evil = encode_header_text("Hei\r\nBcc: victim@evil.no");
  EXPECT_EQ(evil.find("\r\nBcc"), std::string::npos);

  Message m;
  m.from = *parse_mailbox("Samskap <samskap@kommune.no>");
  m.to = "kari@kommune.no";
  m.subject = "Velg et nytt passord i Samskap";
  m.body = "Hei!\n";
  m.date = SystemTime{} + std::chrono::seconds(1796406022);
  m.message_id = "abc.1@kommune.no";
  auto text = format_message(m);
  EXPECT_NE(text.find("From: Samskap <samskap@kommune.no>\r\n"), std::string::npos);
  EXPECT_NE(text.find("To: kari@kommune.no\r\n"), std::string::npos);
  EXPECT_NE(text.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_NE(text.find("Message-ID: <abc.1@kommune.no>\r\n"), std::string::npos);
  EXPECT_NE(text.find("Date: Fri, 04 Dec 2026 "), std::string::npos) << text;
  EXPECT_NE(text.find("\r\n\r\nHei!\r\n"), std::string::npos);
}

TEST(MailMessage, PlaceholdersAreFilledEverywhere) {
  EXPECT_EQ(fill_placeholders("{{a}} og {{a}}, {{b}}", {{"a", "x{{a}}"}, {"b", "y"}}),
            "x{{a}} og x{{a}}, y");
}

cli::EnvLookup env_of(std::map<std::string, std::string> m) {
  return [m](const std::string& k) -> std::optional<std::string> {
    auto it = m.find(k);
    return it == m.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

TEST(DeploymentConfig, PublicUrlProxiesAndSmtpAreChecked) {
  auto c = cli::resolve_config(
      {}, env_of({{"SAMSKAP_PUBLIC_URL", "https://Samskap.Kommune.no/"}}),
      "trusted_proxies = [\"127.0.0.1\", \"10.0.0.0/8\"]\nsmtp_host = \"smtp.kommune.no\"\n"
      "smtp_from = \"Samskap <samskap@kommune.no>\"\nsmtp_security = \"tls\"\nsmtp_port = 465\n",
      "samskap.toml");
  ASSERT_TRUE(c.ok()) << c.error().detail;
  EXPECT_EQ(c->public_url, "https://samskap.kommune.no");
  EXPECT_EQ(cli::effective_public_url(*c), "https://samskap.kommune.no");
  EXPECT_EQ(c->trusted_proxies, "127.0.0.1,10.0.0.0/8");
  auto smtp = cli::resolve_smtp(*c, env_of({}));
  ASSERT_TRUE(smtp.ok()) << smtp.error().detail;
  EXPECT_EQ(smtp->port, 465);
  EXPECT_EQ(smtp->security, Security::tls);

  struct Bad {
    const char* file;
    const char* names;
  } bad[] = {
      {"public_url = \"ftp://x.no\"\n", "public_url"},
      {"public_url = \"https://x.no/?a=1\"\n", "public_url"},
      {"trusted_proxies = \"127.0.0.1, nonsense\"\n", "trusted_proxies"},
      {"trusted_proxies = [1, 2]\n", "trusted_proxies"},
      {"smtp_password = \"hemmelig\"\n", "smtp_password_file"},
      {"smtp_security = \"ssl\"\n", "starttls, tls or none"},
      {"smtp_port = 70000\n", "port"},
      {"smtp_from = \"not an address\"\n", "smtp_from"},
      {"smtp_host = \"smtp.kommune.no\\r\\nX\"\n", "host"},
  };
  for (const auto& b : bad) {
    auto r = cli::resolve_config({}, env_of({}), b.file, "samskap.toml");
    ASSERT_FALSE(r.ok()) << b.file;
    EXPECT_NE(r.error().detail.find(b.names), std::string::npos) << r.error().detail;
    EXPECT_NE(r.error().detail.find("samskap.toml:1"), std::string::npos) << r.error().detail;
  }
  // Derived from listen when unset.
  auto d = cli::resolve_config({{"listen", "0.0.0.0:9000"}}, env_of({}), "", "");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(cli::effective_public_url(*d), "http://127.0.0.1:9000");
}

TEST(DeploymentConfig, SmtpPasswordComesFromAFileOrTheEnvironment) {
  cli::Config c;
  c.smtp_host = "smtp.kommune.no";
  EXPECT_FALSE(cli::resolve_smtp(c, env_of({})).ok()) << "smtp_from is required";
  c.smtp_from = "samskap@kommune.no";
  c.smtp_user = "samskap";
  auto no_pw = cli::resolve_smtp(c, env_of({}));
  ASSERT_FALSE(no_pw.ok());
  EXPECT_NE(no_pw.error().detail.find("SAMSKAP_SMTP_PASSWORD"), std::string::npos);
  auto from_env = cli::resolve_smtp(c, env_of({{"SAMSKAP_SMTP_PASSWORD", "s3cret"}}));
  ASSERT_TRUE(from_env.ok());
  EXPECT_EQ(from_env->password, "s3cret");
  c.smtp_password_file = "/nonexistent/samskap-smtp-password";
  auto missing = cli::resolve_smtp(c, env_of({{"SAMSKAP_SMTP_PASSWORD", "s3cret"}}));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().detail.find("smtp_password_file"), std::string::npos);
  const std::string path = ::testing::TempDir() + "/smtp-password";
  std::ofstream(path) << "fra-fil\n";
  c.smtp_password_file = path;
  auto from_file = cli::resolve_smtp(c, env_of({}));
  ASSERT_TRUE(from_file.ok());
  EXPECT_EQ(from_file->password, "fra-fil");
  std::ofstream(path) << "\n";
  EXPECT_FALSE(cli::resolve_smtp(c, env_of({})).ok()) << "an empty file is an error";
}

}  // namespace
}  // namespace samskap::mail
