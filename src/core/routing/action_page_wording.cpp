#include "tuki/core/routing/action_page_wording.hpp"

#include <array>

#include "tuki/core/routing/staff_notice.hpp"
#include "tuki/core/text/accept_language.hpp"
#include "tuki/core/text/placeholder_fill.hpp"

namespace tuki::routing {
namespace {

constexpr std::size_t message_count = static_cast<std::size_t>(action_message::stays_with) + 1;
constexpr std::size_t button_count = static_cast<std::size_t>(action_button::not_mine_leave) + 1;

// The terms are those of the staff emails (staff_notice.cpp): fi tiketti, kuitata, ratkaista,
// siirtää, "Ei minulle"; sv ärende, kvittera, löst, flytta, "Inte min". Email addresses in
// {people} cannot be inflected, so Finnish puts them after a colon.
struct phrases {
  std::array<const char*, message_count> messages;  // by action_message
  std::array<const char*, button_count> buttons;    // by action_button
  const char* title_done;
  const char* title_not_done;
  const char* title_ticket;  // {id}
  const char* ticket_page;
  const char* try_again_later;
};

const phrases fi{
    {
        "Linkki on voimassa.",                                               // link_valid
        "Tämä linkki ei ole kelvollinen.",                                   // link_invalid
        "Tämä linkki on vanhentunut.",                                       // link_expired
        "Tämä linkki on jo käytetty.",                                       // link_used
        "Tikettiä ei löydy.",                                                // no_such_ticket
        "Tikettiä {id} ei ole ohjattu sinulle.",                             // not_assignee
        "Tiketti {id} on jo ratkaistu. Sitä ei voi enää ohjata uudelleen.",  // nothing_to_pass_on
        "Tiketti {id} on jo ratkaistu.",                                     // already_resolved
        "Tikettiä {id} ei voi nyt muuttaa (tila {status}).",                 // not_allowed_now
        "Tikettiä {id} ei siirretty: roolia '{role}' ei ole määritetty. Määritetyt roolit: "
        "{roles}.",                                                         // unknown_role
        "Tikettiä {id} ei siirretty: kenelläkään ei ole roolia '{role}'.",  // nobody_holds_role
        "Kukaan muu ei voi ottaa tikettiä {id}, joten se jää sinulle. Kuittaa se tai siirrä se "
        "eteenpäin.",  // nobody_else
        // not_reassignable
        "Tikettiä {id} ei siirretty: se on yhteinen tiketti tai kriisitiketti, ja siirto veisi "
        "sen kaikilta sitä hoitavilta. Käytä sen sijaan \"Ei minulle\" -linkkiä.",
        "Jäät pois tiketistä {id}. Sitä ei ohjata uudelleen, koska sitä hoitavat jo: "
        "{people}.",  // will_leave_to_others
        "Tiketti {id} on kriisitiketti. Se ohjataan vain toiselle kriisipäivystäjälle tai "
        "kriisiyhteyshenkilölle, ei koskaan takaisin sinulle. Jos kukaan muu ei voi ottaa sitä, "
        "se jää sinulle.",                                                  // will_reroute_crisis
        "Tiketti {id} ohjataan jollekulle toiselle, ei takaisin sinulle.",  // will_reroute
        "Tiketti {id} on kuitattu. Opiskelijalle kerrottiin, että viesti on luettu.",  // acknowledged
        "Tiketti {id} on kuitattu. Opiskelijalle ei lähetetty viestiä.",  // acknowledged_quietly
        "Tiketti {id} oli jo kuitattu.",                                  // already_acknowledged
        "Tiketti {id} on merkitty ratkaistuksi.",                         // resolved
        "Tiketti {id} on siirretty. Vastaanottajat: {people}.",           // passed_on
        "Tiketti {id} on ohjattu uudelleen. Vastaanottajat: {people}.",   // routed_again
        "Tiketti {id} jää muille käsittelijöille: {people}.",             // stays_with
    },
    {"Kuittaa", "Merkitse ratkaistuksi", "Siirrä eteenpäin", "Ei minulle: ohjaa uudelleen",
     "Ei minulle: jätä muille"},
    "Valmis",
    "Ei tehty",
    "Tiketti {id}",
    "Kuittaa, ratkaise tai siirrä tämä tiketti saamasi viestin linkeillä. Henkilökunnan "
    "tikettinäkymä ei ole vielä käytössä.",
    "Palvelu ei juuri nyt vastaa. Yritä hetken päästä uudelleen.",
};

const phrases sv{
    {
        "Länken är giltig.",                                               // link_valid
        "Den här länken är inte giltig.",                                  // link_invalid
        "Den här länken har gått ut.",                                     // link_expired
        "Den här länken har redan använts.",                               // link_used
        "Ärendet finns inte.",                                             // no_such_ticket
        "Ärende {id} är inte tilldelat dig.",                              // not_assignee
        "Ärende {id} är redan löst. Det kan inte längre skickas vidare.",  // nothing_to_pass_on
        "Ärende {id} är redan löst.",                                      // already_resolved
        "Ärende {id} kan inte ändras nu (status {status}).",               // not_allowed_now
        "Ärende {id} flyttades inte: rollen '{role}' finns inte i inställningarna. Roller som "
        "finns: {roles}.",                                         // unknown_role
        "Ärende {id} flyttades inte: ingen har rollen '{role}'.",  // nobody_holds_role
        "Ingen annan kan ta ärende {id}, så det stannar hos dig. Kvittera det eller flytta "
        "det.",  // nobody_else
        // not_reassignable
        "Ärende {id} flyttades inte: det är ett delat ärende eller ett krisärende, och en flytt "
        "skulle ta det från alla som har det. Använd \"Inte min\" i stället.",
        "Du lämnar ärende {id}. Det skickas inte vidare, eftersom {people} redan har det och "
        "behåller det.",  // will_leave_to_others
        "Ärende {id} är ett krisärende. Det skickas bara till någon annan i krisjouren eller "
        "till kriskontakten, aldrig tillbaka till dig. Om ingen annan kan ta det stannar det hos "
        "dig.",                                                             // will_reroute_crisis
        "Ärende {id} skickas till någon annan, aldrig tillbaka till dig.",  // will_reroute
        "Ärende {id} är kvitterat. Den studerande har fått veta att meddelandet har lästs.",
        "Ärende {id} är kvitterat. Inget meddelande skickades till den studerande.",
        "Ärende {id} var redan kvitterat.",                       // already_acknowledged
        "Ärende {id} är markerat som löst.",                      // resolved
        "Ärende {id} har flyttats. Mottagare: {people}.",         // passed_on
        "Ärende {id} har skickats vidare. Mottagare: {people}.",  // routed_again
        "Ärende {id} stannar hos {people}.",                      // stays_with
    },
    {"Kvittera", "Markera som löst", "Flytta ärendet", "Inte min: skicka vidare",
     "Inte min: lämna det åt de andra"},
    "Klart",
    "Inte gjort",
    "Ärende {id}",
    "Använd länkarna i meddelandet du fick för att kvittera, lösa eller flytta det här ärendet. "
    "Personalens ärendevy finns inte ännu.",
    "Tjänsten svarar inte just nu. Försök igen om en stund.",
};

const phrases en{
    {
        "Valid link.",                                           // link_valid
        "This link is not valid.",                               // link_invalid
        "This link has expired.",                                // link_expired
        "This link was already used.",                           // link_used
        "No such ticket.",                                       // no_such_ticket
        "You are not assigned to ticket {id}.",                  // not_assignee
        "Ticket {id} is resolved: nothing to pass on.",          // nothing_to_pass_on
        "Ticket {id} is already resolved.",                      // already_resolved
        "Ticket {id} cannot be changed now (status {status}).",  // not_allowed_now
        "Ticket {id} was not passed on: role '{role}' is not configured (known roles: "
        "{roles}).",                                                     // unknown_role
        "Ticket {id} was not passed on: nobody has the role '{role}'.",  // nobody_holds_role
        "Nobody else can take ticket {id}, so it stays with you. Acknowledge it, or pass it "
        "on.",  // nobody_else
        // not_reassignable
        "Ticket {id} was not passed on: it is a shared or crisis ticket, and passing it on "
        "would take it from everyone on it. Use \"Not mine\" instead.",
        "You will leave ticket {id}. It is not routed again: {people}, already on it, keep "
        "it.",  // will_leave_to_others
        "Ticket {id} is a crisis ticket. It will be routed again to someone else on the crisis "
        "rota, or to the crisis contact, never to an ordinary role and never back to you. If "
        "nobody else can take it, it stays with you.",  // will_reroute_crisis
        "Ticket {id} will be routed again to someone else, never back to you.",  // will_reroute
        "Ticket {id} is acknowledged; the student was told it was seen.",        // acknowledged
        "Ticket {id} is acknowledged. No message was sent to the student.",  // acknowledged_quietly
        "Ticket {id} was already acknowledged.",                             // already_acknowledged
        "Ticket {id} is resolved.",                                          // resolved
        "Ticket {id} was passed on to {people}.",                            // passed_on
        "Ticket {id} was routed again, to {people}.",                        // routed_again
        "Ticket {id} stays with {people}.",                                  // stays_with
    },
    {"Acknowledge", "Mark as resolved", "Pass it on", "Not mine: route it again",
     "Not mine: leave it to them"},
    "Done",
    "Not done",
    "Ticket {id}",
    "Use the links in the message you received to acknowledge, resolve or pass on this ticket. "
    "The staff inbox is not available yet.",
    "The service is not answering just now. Please try again in a moment.",
};

const phrases& phrases_for(std::string_view language) {
  const std::string_view lang = notice_language(language);
  if (lang == "fi") return fi;
  if (lang == "sv") return sv;
  return en;
}

}  // namespace

std::string word_action_message(action_message m, const action_page_facts& f,
                                std::string_view language, const role_naming& name_role) {
  const std::string_view lang = notice_language(language);
  auto named = [&](const std::string& role) {
    return name_role && !role.empty() ? name_role(role, lang) : role;
  };
  std::string roles;
  for (const auto& r : f.known_roles) roles += (roles.empty() ? "" : ", ") + named(r);
  return core::fill_placeholders(phrases_for(lang).messages[static_cast<std::size_t>(m)],
                                 {{"id", f.ticket_id},
                                  {"people", f.people},
                                  {"role", named(f.role)},
                                  {"roles", roles},
                                  {"status", f.status}});
}

std::string word_action_button(action_button b, std::string_view language) {
  return phrases_for(language).buttons[static_cast<std::size_t>(b)];
}

action_page_chrome word_action_page_chrome(std::string_view ticket_id, std::string_view language) {
  const phrases& p = phrases_for(language);
  return {p.title_done, p.title_not_done,
          core::fill_placeholders(p.title_ticket, {{"id", ticket_id}}), p.ticket_page,
          p.try_again_later};
}

std::string_view action_page_language(std::string_view link_language,
                                      std::string_view accept_language,
                                      std::string_view institution_language) {
  if (auto lang = staff_language(link_language)) return *lang;
  for (const auto& range : core::accepted_languages(accept_language))
    if (auto lang = staff_language(range)) return *lang;
  return notice_language(institution_language);
}

}  // namespace tuki::routing
