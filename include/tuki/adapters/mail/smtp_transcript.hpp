#pragma once
// What an SMTP server answered to each command of one send, read from the protocol lines
// libcurl hands its debug callback (commands sent, reply lines received). libcurl itself says
// only "RCPT failed: 550"; the transcript says which command was refused with which reply, and
// which recipients a partly accepted send missed (CURLOPT_MAIL_RCPT_ALLOWFAILS goes on without
// them). Pure; one per send.
#include <string>
#include <string_view>
#include <vector>

namespace tuki::adapters {

class smtp_transcript {
 public:
  struct answer {
    std::string command;    // the verb, upper case: MAIL, RCPT, DATA, AUTH...; CONNECT for the
                            // greeting, "." for the end of the message
    std::string recipient;  // with RCPT: the address (for the caller only: never log it)
    int code = 0;           // 0 while the reply is incomplete
    std::string text;       // the reply's lines without their codes, joined by spaces
  };

  /// A command line libcurl sent (CURLINFO_HEADER_OUT). The lines that continue an AUTH
  /// exchange (credentials) are recorded as AUTH and never kept.
  void sent(std::string_view line);
  /// One reply line libcurl received (CURLINFO_HEADER_IN): "250-..." continues, "250 ..." ends.
  void received(std::string_view line);

  const std::vector<answer>& answers() const { return answers_; }
  /// The last answer with a 4xx or 5xx code; nullptr when none.
  const answer* last_failure() const;
  /// The recipients whose RCPT got a reply of class `klass` (4: deferred, 5: refused).
  std::vector<std::string> recipients_answered(int klass) const;

 private:
  std::vector<answer> answers_;
};

/// `text` with every word that holds an '@' replaced by "<address>", cut to `max` bytes: a
/// server's reply made fit for a log line or a ticket's history.
std::string mask_addresses(std::string_view text, std::size_t max = 200);

}  // namespace tuki::adapters
