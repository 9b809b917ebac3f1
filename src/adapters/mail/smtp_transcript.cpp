#include "tuki/adapters/mail/smtp_transcript.hpp"

#include <algorithm>
#include <cctype>

namespace tuki::adapters {
namespace {

std::string_view trim_line(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

std::string upper_verb(std::string_view line) {
  std::string verb;
  for (char c : line) {
    if (c == ' ' || c == ':') break;
    verb += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return verb;
}

bool complete(const smtp_transcript::answer& a) { return a.code != 0; }

}  // namespace

void smtp_transcript::sent(std::string_view raw) {
  auto line = trim_line(raw);
  // A line sent after a 334 challenge continues AUTH (base64 credentials): keep none of it.
  if (!answers_.empty() && answers_.back().command == "AUTH" && answers_.back().code == 334) {
    answers_.push_back({"AUTH", "", 0, ""});
    return;
  }
  answer a;
  a.command = upper_verb(line);
  if (a.command == "RCPT") {
    auto open = line.find('<');
    auto close = line.find('>', open == std::string_view::npos ? 0 : open);
    if (open != std::string_view::npos && close != std::string_view::npos)
      a.recipient = std::string(line.substr(open + 1, close - open - 1));
  }
  answers_.push_back(std::move(a));
}

void smtp_transcript::received(std::string_view raw) {
  auto line = trim_line(raw);
  if (line.size() < 3 || !std::all_of(line.begin(), line.begin() + 3, [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      }))
    return;
  const bool last = line.size() == 3 || line[3] != '-';
  // A reply with no command of its own: the greeting, or the answer to the end of the message
  // (libcurl sends the final "." without showing it as a command).
  if (answers_.empty() || complete(answers_.back()))
    answers_.push_back({answers_.empty() ? "CONNECT" : ".", "", 0, ""});
  auto& a = answers_.back();
  auto text = line.size() > 4 ? line.substr(4) : std::string_view{};
  if (!text.empty()) {
    if (!a.text.empty()) a.text += ' ';
    a.text += text;
  }
  if (last) a.code = std::stoi(std::string(line.substr(0, 3)));
}

const smtp_transcript::answer* smtp_transcript::last_failure() const {
  for (auto it = answers_.rbegin(); it != answers_.rend(); ++it)
    if (it->code >= 400) return &*it;
  return nullptr;
}

std::vector<std::string> smtp_transcript::recipients_answered(int klass) const {
  std::vector<std::string> out;
  for (const auto& a : answers_)
    if (a.command == "RCPT" && a.code / 100 == klass) out.push_back(a.recipient);
  return out;
}

std::string mask_addresses(std::string_view text, std::size_t max) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ') {
      out += ' ';
      ++i;
      continue;
    }
    auto end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    auto word = text.substr(i, end - i);
    out += word.find('@') == std::string_view::npos ? std::string(word) : "<address>";
    i = end;
  }
  if (out.size() > max) {
    out.resize(max);
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80))
      out.pop_back();  // no cut UTF-8
  }
  return out;
}

}  // namespace tuki::adapters
