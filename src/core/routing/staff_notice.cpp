#include "tuki/core/routing/staff_notice.hpp"

#include <array>
#include <map>

#include "tuki/core/text/placeholder_fill.hpp"

namespace tuki::routing {
namespace {

struct phrases {
  std::array<const char*, 5> subject;  // by notice_kind; "{category}" and "{id}" are replaced
  std::array<const char*, 5> intro;
  const char* urgent_prefix;
  const char* greeting;  // "{name}" replaced; greeting_anonymous when no name
  const char* greeting_anonymous;
  const char* student;
  const char* category;
  const char* urgency;
  std::array<const char*, 3> urgency_names;
  const char* follows_up;
  const char* open_ticket;
  std::array<const char*, 4> actions;  // by ticket_action; reassign has "{role}" (its name)
  const char* take_over;  // acknowledge in an escalation: the reader is not an assignee yet
  const char* reply_heading;
  const char* privacy_note;
  const char* footer;
  std::map<std::string_view, const char*> categories;
  // notice_kind::unregistered_crisis
  const char* unregistered_subject;
  const char* unregistered_intro;
  const char* phone;
  const char* unregistered_privacy_note;
};

const phrases fi{
    {"Tukipyyntö ({category}) – tiketti {id}", "Muistutus: kuittaamaton tukipyyntö {id}",
     "Eskalointi: tukipyyntöä {id} ei ole kuitattu",
     "Opiskelija kirjoitti uudelleen: tukipyyntö {id}", "Onko tukipyyntö {id} yhä kesken?"},
    {"Opiskelija tarvitsee tukea, ja pyyntö on ohjattu sinulle.",
     "Tätä tukipyyntöä ei ole vielä kuitattu. Kuittaa se, kun olet nähnyt sen.",
     "Saat tämän, koska sinulle ohjattua tai varahenkilönäsi hoidettavaa tukipyyntöä ei ole "
     "kuitattu ajoissa.",
     "Opiskelija, jonka tukipyyntö on sinulla, kirjoitti samasta asiasta uudelleen.",
     "Tämä tukipyyntö on kuitattu, mutta sitä ei ole merkitty ratkaistuksi. Kun asia on hoidettu, "
     "merkitse se ratkaistuksi, niin opiskelijalta kysytään myöhemmin, saiko hän apua."},
    "KIIREELLINEN: ",
    "Hei {name},",
    "Hei,",
    "Opiskelija",
    "Aihe",
    "Kiireellisyys",
    {"normaali", "kiireellinen", "erittäin kiireellinen – toimi heti"},
    "Jatkoa tiketille",
    "Avaa tiketti",
    {"Kuittaa", "Merkitse ratkaistuksi", "Siirrä: {role}", "Ei minulle"},
    "Otan hoitaakseni",
    "Opiskelijan viesti:",
    "Opiskelijan omia viestejä ei näytetä sähköpostissa yksityisyyden suojaamiseksi. Ota yhteyttä "
    "opiskelijaan suoraan.",
    "Tämä viesti on lähetetty automaattisesti tuki-palvelusta. Älä vastaa tähän viestiin.",
    {{"studies", "opinnot"},
     {"wellbeing", "hyvinvointi"},
     {"life", "elämäntilanne"},
     {"other", "muu asia"},
     {"crisis", "kriisi"},
     {"no_reply", "ei vastaa viesteihin"},
     {"delivery_failed", "viestit eivät mene perille"},
     {"followup", "jatkokysely: ei saanut apua"}},
    "Kriisiviesti numerosta, jota ei ole tuki-palvelussa",
    "Tuki-palveluun tuli kriisiviesti numerosta, joka ei kuulu kenellekään opiskelijalle "
    "(esimerkiksi uusi puhelinnumero). Numerolle lähetettiin kriisiavun yhteystiedot. Tikettiä ei "
    "avattu: ota yhteyttä numeroon tai selvitä, kenen se on, heti.",
    "Puhelinnumero",
    "Viestiä ei näytetä sähköpostissa."};

const phrases sv{
    {"Stödbegäran ({category}) – ärende {id}", "Påminnelse: okvitterad stödbegäran {id}",
     "Eskalering: stödbegäran {id} har inte kvitterats",
     "Den studerande skrev igen: stödbegäran {id}", "Är stödbegäran {id} fortfarande öppen?"},
    {"En studerande behöver stöd och begäran har skickats till dig.",
     "Den här stödbegäran har ännu inte kvitterats. Kvittera den när du har sett den.",
     "Du får detta eftersom en stödbegäran inte har kvitterats i tid.",
     "Den studerande vars stödbegäran du har skrev igen om samma sak.",
     "Den här stödbegäran har kvitterats men inte markerats som löst. När ärendet är klart, "
     "markera det som löst, så frågar vi senare den studerande om hen fick hjälp."},
    "BRÅDSKANDE: ",
    "Hej {name},",
    "Hej,",
    "Studerande",
    "Ämne",
    "Brådska",
    {"normal", "brådskande", "akut – agera genast"},
    "Uppföljning av ärende",
    "Öppna ärendet",
    {"Kvittera", "Markera som löst", "Flytta: {role}", "Inte min"},
    "Jag tar hand om det",
    "Den studerandes meddelande:",
    "Den studerandes egna meddelanden visas inte i e-post för att skydda integriteten. "
    "Kontakta den studerande direkt.",
    "Det här meddelandet skickades automatiskt av tuki. Svara inte på det.",
    {{"studies", "studier"},
     {"wellbeing", "välmående"},
     {"life", "livssituation"},
     {"other", "annat"},
     {"crisis", "kris"},
     {"no_reply", "svarar inte"},
     {"delivery_failed", "meddelanden når inte fram"},
     {"followup", "uppföljning: fick ingen hjälp"}},
    "Krismeddelande från ett nummer som inte finns i tuki",
    "tuki fick ett krismeddelande från ett nummer som inte hör till någon studerande (till "
    "exempel ett nytt telefonnummer). Numret fick kontaktuppgifter till krishjälp. Inget ärende "
    "öppnades: kontakta numret eller ta reda på vems det är, genast.",
    "Telefonnummer",
    "Meddelandet visas inte i e-post."};

const phrases en{
    {"Support request ({category}) – ticket {id}", "Reminder: unacknowledged support request {id}",
     "Escalation: support request {id} has not been acknowledged",
     "The student wrote again: support request {id}", "Is support request {id} still open?"},
    {"A student needs support and the request has been routed to you.",
     "This support request has not been acknowledged yet. Please acknowledge it once seen.",
     "You receive this because a support request was not acknowledged in time.",
     "The student whose support request you hold wrote about it again.",
     "This support request was acknowledged but has not been marked resolved. Once it is dealt "
     "with, mark it resolved, and the student will later be asked whether they got help."},
    "URGENT: ",
    "Hello {name},",
    "Hello,",
    "Student",
    "Topic",
    "Urgency",
    {"normal", "high", "urgent – act now"},
    "Follows up ticket",
    "Open the ticket",
    {"Acknowledge", "Mark resolved", "Reassign: {role}", "Not mine"},
    "I'll take it",
    "The student's message:",
    "The student's own messages are not shown in email, to protect their privacy. Contact the "
    "student directly.",
    "This message was sent automatically by tuki. Please do not reply to it.",
    {{"studies", "studies"},
     {"wellbeing", "wellbeing"},
     {"life", "life situation"},
     {"other", "other"},
     {"crisis", "crisis"},
     {"no_reply", "not replying"},
     {"delivery_failed", "messages not delivered"},
     {"followup", "follow-up: did not get help"}},
    "Crisis message from a number not in tuki",
    "tuki received a crisis message from a number that belongs to no student (a new phone "
    "number, for example). The number was sent the crisis helpline contacts. No ticket was "
    "opened: contact the number, or find out whose it is, now.",
    "Phone number",
    "The message itself is not shown in email."};

const phrases& phrases_for(std::string_view lang) {
  if (lang == "fi") return fi;
  if (lang == "sv") return sv;
  return en;
}

}  // namespace

std::string_view to_string(notice_kind k) {
  static constexpr std::string_view names[] = {
      "new_ticket", "reminder", "escalation", "student_wrote", "still_open", "unregistered_crisis"};
  return names[static_cast<std::size_t>(k)];
}

std::optional<std::string_view> staff_language(std::string_view requested) {
  const std::string_view base = requested.substr(0, requested.find_first_of("-_"));
  for (std::string_view lang : {"fi", "sv", "en"}) {
    const bool same = base.size() == 2 && (base[0] | 0x20) == lang[0] && (base[1] | 0x20) == lang[1];
    if (same) return lang;
  }
  return std::nullopt;
}

std::string_view notice_language(std::string_view requested) {
  return staff_language(requested).value_or("en");
}

notice_wording word_notice(const staff_notice& n, std::string_view recipient_name,
                           std::string_view language) {
  const phrases& p = phrases_for(notice_language(language));
  notice_wording w;
  const auto cat = p.categories.find(n.category);
  w.category = cat == p.categories.end() ? n.category : cat->second;
  w.urgency = p.urgency_names[static_cast<std::size_t>(n.urgency)];
  const bool unregistered = n.kind == notice_kind::unregistered_crisis;
  const auto kind = static_cast<std::size_t>(unregistered ? notice_kind::new_ticket : n.kind);
  w.subject = unregistered ? std::string(p.unregistered_subject)
                           : core::fill_placeholders(p.subject[kind], {{"category", w.category},
                                                                       {"id", n.ticket_id}});
  if (n.urgency == core::urgency::urgent) w.subject = p.urgent_prefix + w.subject;
  w.greeting = recipient_name.empty() ? std::string(p.greeting_anonymous)
                                      : core::fill_placeholders(p.greeting, {{"name", recipient_name}});
  w.intro = unregistered ? p.unregistered_intro : p.intro[kind];
  w.student_label = unregistered ? p.phone : p.student;
  w.category_label = p.category;
  w.urgency_label = p.urgency;
  w.follows_up_label = p.follows_up;
  w.open_ticket = p.open_ticket;
  w.reply_heading = p.reply_heading;
  w.privacy_note = unregistered ? p.unregistered_privacy_note : p.privacy_note;
  w.footer = p.footer;
  for (const auto& a : n.actions) {
    const std::string_view role = a.role_name.empty() ? a.role : a.role_name;
    // In an escalation the reader is a backup or the coordinator: acknowledging takes it over.
    if (n.kind == notice_kind::escalation && a.action == ticket_action::acknowledge)
      w.action_labels.push_back(p.take_over);
    else
      w.action_labels.push_back(
          core::fill_placeholders(p.actions[static_cast<std::size_t>(a.action)], {{"role", role}}));
  }
  return w;
}

}  // namespace tuki::routing
