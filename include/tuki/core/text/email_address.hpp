#pragma once
// Whether text is an email address tuki can mail and put in a signed link: local@domain (one @) in
// printable ASCII, at most 254 characters (RFC 5321's limit), with nothing that would end or
// split a mail header or an address list (spaces, controls, < > , ; " ( )). Deliberately loose
// beyond that: the mail server decides whether the address exists.
#include <string_view>

namespace tuki::core {

bool is_email_address(std::string_view text);

}  // namespace tuki::core
