#pragma once
// Lossless JSON form of a routing::ticket, for the store (tickets.state). Pure. Times are unix
// milliseconds; statuses and urgencies use their to_string names. ticket_from_json() validates
// (stored JSON is data from disk, not trusted to be well formed) and returns invalid_argument
// naming the first bad field.
#include <nlohmann/json.hpp>

#include "tuki/core/routing/ticket.hpp"
#include "tuki/core/status.hpp"

namespace tuki::routing {

nlohmann::json to_json(const ticket& t);
core::result<ticket> ticket_from_json(const nlohmann::json& j);

std::optional<ticket_status> parse_ticket_status(std::string_view s);

}  // namespace tuki::routing
