#include "tuki/core/dialog/engine.hpp"
#include "tuki/core/schedule/local_time.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>

#include "tuki/core/dialog/reply.hpp"
#include "tuki/core/dialog/scoring.hpp"

namespace tuki::dialog {
namespace {

constexpr std::size_t excerpt_bytes = 160;
// Sent when a lexicon lacks replies.crisis: a crisis answer must never be missing.
constexpr std::string_view crisis_fallback =
    "We read your message and a staff member has been told. If you are in danger now, call 112.";

std::string pick(const std::map<std::string, std::string>& by_lang, const std::string& lang,
                 const std::string& base) {
  for (const auto& l : {lang, base, std::string("en")})
    if (auto it = by_lang.find(l); it != by_lang.end()) return it->second;
  return by_lang.empty() ? std::string() : by_lang.begin()->second;
}

// The local day of `t` in `zone` (UTC when empty or unknown), as `lang` writes dates.
std::string format_date(core::instant t, const std::string& lang, const std::string& zone) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  if (!zone.empty()) try {
      day = std::chrono::sys_days{
          schedule::local_day(t, *date::locate_zone(zone)).time_since_epoch()};
    } catch (const std::exception&) {
    }
  auto ymd = std::chrono::year_month_day(day);
  int y = static_cast<int>(ymd.year());
  unsigned m = static_cast<unsigned>(ymd.month()), d = static_cast<unsigned>(ymd.day());
  char buf[32];
  if (lang == "fi" || lang == "et" || lang == "lv")
    std::snprintf(buf, sizeof buf, "%u.%u.%d", d, m, y);
  else
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

// Walks one step. The session being stepped lives in out.state from the start (the caller puts
// it there), so that it is copied at most once and never moved; finish_output() moves it to
// out.ended_state when the step ended it.
class stepper {
 public:
  stepper(const dialog& d, const student_context& ctx, const conversation_settings& cs,
          core::instant now, step_output& out)
      : d_(d), ctx_(ctx), cs_(cs), now_(now), out_(out), s_(*out.state) {
    auto own = std::find(d.languages.begin(), d.languages.end(), ctx.language);
    lang_ = own != d.languages.end() ? &ctx.language : &d.base_language;
    if (own == d.languages.end())
      own = std::find(d.languages.begin(), d.languages.end(), d.base_language);
    lang_id_ = static_cast<std::size_t>(own - d.languages.begin());
    out_.effects.reserve(4);
  }

  void set_priority(core::sms_priority p) { priority_ = p; }
  /// The reply quoted by tickets; `text` must outlive the stepper (copied only into tickets).
  void set_excerpt(std::string_view text) { excerpt_ = utf8_prefix(text, excerpt_bytes); }

  /// Enters `node_id` (at `index` in d_.nodes when resolved) and walks on until a wait or the
  /// end.
  void enter(const std::string& start_id, std::size_t start_index) {
    const std::string* node_id = &start_id;
    std::size_t index = start_index;
    for (;;) {
      if (++steps_ > d_.settings.max_steps_per_reply) return finish("loop_guard");
      const node* n = index < d_.nodes.size() ? &d_.nodes[index] : d_.find(*node_id);
      if (!n) return finish("dialog_error");
      if (++s_.visits[n->id] > d_.settings.max_visits_per_node) return finish("loop_guard");
      s_.node = n->id;
      s_.reminders_sent = 0;
      s_.hints_used = 0;
      if (!n->text.empty()) send(n->text, priority_, "question");
      run_actions(n->actions, *n, s_.last_category);
      if (ended_) return;
      if (n->wait) return start_wait(*n);
      if (!n->next) return finish(s_.last_category.empty() ? n->id : s_.last_category);
      node_id = &*n->next;
      index = n->next_index;
    }
  }

  /// Takes category `name` of node `n` (`cat`: its definition when resolved): its actions,
  /// then its next node or the end.
  void take(const node& n, const std::string& name, const category_def* cat = nullptr) {
    s_.last_category = name;
    if (!cat) {
      auto it = n.categories.find(name);
      if (it == n.categories.end()) return finish("dialog_error");
      cat = &it->second;
    }
    run_actions(cat->actions, n, name);
    if (ended_) return;
    if (cat->next) return enter(*cat->next, cat->next_index);
    finish(name);
  }

  void reply(const node& n, const prepared_reply& r) {
    if (n.quoted) s_.quotes[n.id] = std::string(excerpt_);
    // After a "but" the rest of the reply decides a veto: "ihan hyvin, mut mua kiusataan" is
    // not vetoed by "hyvin", "stressaa vähän mutta menee hyvin" is.
    // Built at the first veto that needs it. Not an std::optional: GCC 12 clears the whole
    // storage of an empty one (290 bytes) at every step.
    std::unique_ptr<prepared_reply> tail;
    auto veto_reply = [&]() -> const prepared_reply& {
      if (r.after_contrast == 0) return r;
      if (!tail) tail = std::make_unique<prepared_reply>(reply_after_contrast(r));
      return *tail;
    };
    for (bool tolerant : {false, true}) {
      for (const auto& c : n.cases) {
        bool hit = std::any_of(c.match.begin(), c.match.end(),
                               [&](const auto& m) { return m->matches(r, tolerant); });
        if (!hit) continue;
        bool vetoed = std::any_of(c.unless.begin(), c.unless.end(), [&](const auto& m) {
          return m->matches(veto_reply(), tolerant);
        });
        if (vetoed) continue;
        out_.category = c.category;
        return take(n, c.category, c.definition);
      }
    }
    const default_def& df = *n.fallback;
    out_.category = df.category;
    if (s_.hints_used < df.max_hints) {
      ++s_.hints_used;
      send(df.hint, core::sms_priority::reply, "hint");
      return;
    }
    take(n, df.fallback);
  }

  void timeout(const node& n) {
    const wait_def& w = *n.wait;
    if (s_.reminders_sent < w.max_reminders) {
      ++s_.reminders_sent;
      send(w.reminder, core::sms_priority::bulk, "reminder");
      schedule(n);
      return;
    }
    if (w.on_timeout) {
      out_.category = *w.on_timeout;
      take(n, *w.on_timeout);
    }
  }

  void finish(const std::string& outcome) {
    out_.effects.emplace_back(std::in_place_type<core::end_session>, outcome);
    ended_ = true;
  }

  bool ended() const { return ended_; }

  void finish_output() {
    if (!ended_) return;
    out_.ended_state = std::move(out_.state);
    out_.state.reset();
  }

 private:
  void start_wait(const node& n) { schedule(n); }

  // A new token makes every earlier wait timeout of this session stale; the wait's timeout is
  // scheduled again with it. The session's expiry never moves, so its timer is scheduled once,
  // at the first wait (its token does not matter: on_timer ends a session at its expiry
  // whichever expiry timer comes).
  void schedule(const node& n) {
    const bool first_wait = s_.token == s_.first_token();
    ++s_.token;
    const wait_def& w = *n.wait;
    bool more = s_.reminders_sent < w.max_reminders || w.on_timeout.has_value();
    if (w.timeout && more && now_ + *w.timeout < s_.expires)
      out_.effects.emplace_back(std::in_place_type<core::schedule_timer>,
                                std::string(timer_wait_timeout), now_ + *w.timeout, s_.token);
    if (first_wait)
      out_.effects.emplace_back(std::in_place_type<core::schedule_timer>, std::string(timer_expiry),
                                s_.expires, s_.token);
  }

  std::optional<std::string_view> lookup(std::string_view name) const {
    if (name == "first_name") return std::string_view(ctx_.first_name);
    if (name == "helpline") {
      helpline_ = pick(cs_.helpline, *lang_, d_.base_language);
      return std::string_view(helpline_);
    }
    if (auto it = ctx_.vars.find(std::string(name)); it != ctx_.vars.end())
      return std::string_view(it->second);
    return std::nullopt;
  }

  void send(const localized_text& t, core::sms_priority p, const char* purpose) {
    const text_template* tt = t.find(lang_id_, *lang_, d_.base_language);
    if (!tt) return;
    out_.effects.emplace_back(std::in_place_type<core::send_sms>,
                              tt->render_with([this](std::string_view n) { return lookup(n); }),
                              p, purpose);
  }

  void run_actions(const std::vector<action>& actions, const node& n, const std::string& cat) {
    for (const auto& a : actions) {
      switch (a.type) {
        case action::kind::result: {
          // As a string_view: lengths first, no strlen and memcmp for every other value.
          const std::string& v = a.value == std::string_view("{category}") ? cat : a.value;
          s_.results[a.key] = v;
          out_.effects.emplace_back(std::in_place_type<core::record_result>, a.key, v);
          break;
        }
        case action::kind::score:
          add_score(d_, s_, a.key, a.amount);
          break;
        case action::kind::ticket: {
          // The reply kept at the node the ticket quotes; this step's when there is none
          // (the session was stored by a tuki that kept no quotes, or never passed there).
          std::string_view quote = excerpt_;
          if (!a.quote.empty())
            if (const auto* q = s_.quotes.find(a.quote); q != s_.quotes.end()) quote = q->second;
          out_.effects.emplace_back(std::in_place_type<core::open_ticket>,
                                    a.key.empty() ? cat : a.key, ticket_urgency(d_, s_, a.urgency),
                                    d_.id, n.id, std::string(quote));
          break;
        }
        case action::kind::send:
          send(a.text, core::sms_priority::reply, "message");
          break;
        case action::kind::end:
          return finish(a.value.empty() ? cat : a.value);
        case action::kind::opt_out:
          out_.effects.push_back(core::set_contact_state{true, std::nullopt});
          return finish("opted_out");
      }
    }
  }

  const dialog& d_;
  const student_context& ctx_;
  const conversation_settings& cs_;
  core::instant now_;
  step_output& out_;
  session& s_;
  const std::string* lang_;
  std::size_t lang_id_;  // lang_'s index in d_.languages (d_.languages.size() if not there)
  std::string_view excerpt_;
  mutable std::string helpline_;
  core::sms_priority priority_ = core::sms_priority::reply;
  int steps_ = 0;
  bool ended_ = false;
};

// The dialog a session goes on with: the version it started on while this process still has
// it (loaded before a reload), else the current file if the node the session waits at is
// still there and still waits; then `moved` is the session on the current version. Otherwise
// nullptr: the session ends (dialog_removed). A restart after a dialog edit (the usual way a
// text is corrected mid-campaign) thus keeps every student whose step still exists in
// conversation, as an edit with a reload does.
const dialog* dialog_of(const dialog_library& lib, const session& s, std::optional<session>& moved) {
  if (const dialog* d = lib.find_version(s.dialog_id, s.dialog_version)) return d;
  const dialog* current = lib.find(s.dialog_id);
  if (!current) return nullptr;
  const node* n = current->find(s.node);
  if (!n || !n->wait) return nullptr;
  moved.emplace(s);
  moved->dialog_version = current->version;
  return current;
}

step_output ended(const session& s, std::string outcome,
                  std::optional<std::string> category = std::nullopt) {
  step_output out;
  out.ended_state = s;
  out.effects.push_back(core::end_session{std::move(outcome)});
  out.category = std::move(category);
  return out;
}

std::string reply_language(const dialog_library& lib, const std::string& preferred) {
  return lib.lexicons().languages.count(preferred) ? preferred : std::string("en");
}

std::string render_fixed(const std::string& text, const std::string& helpline,
                         const std::string& paused_until) {
  text_template t(text);
  return t.render([&](std::string_view n) -> std::optional<std::string_view> {
    if (n == "helpline") return std::string_view(helpline);
    if (n == "paused_until" && !paused_until.empty()) return std::string_view(paused_until);
    return std::nullopt;
  });
}

step_output handle_keyword(const dialog_library& lib, const std::optional<session>& s,
                           const student_context& ctx, const conversation_settings& cs,
                           const keyword_match& kw, core::instant now) {
  step_output out;
  out.keyword = kw.keyword;
  const std::string& lang = kw.language;
  std::string helpline = pick(cs.helpline, lang, "en");
  std::string paused;
  if (kw.keyword == "stop") {
    out.effects.push_back(core::set_contact_state{true, std::nullopt});
  } else if (kw.keyword == "start") {
    out.effects.push_back(core::set_contact_state{false, std::nullopt});
  } else if (kw.keyword == "pause") {
    core::instant until = now + cs.pause_length;
    paused = format_date(until, lang, cs.time_zone);
    out.effects.push_back(core::set_contact_state{false, until});
  }
  // START from someone who gets messages anyway: "you already get them", when the keyword's
  // language has that text (else its usual reply, rather than another language's).
  const auto own = lib.lexicons().languages.find(lang);
  const bool already = kw.keyword == "start" && ctx.receiving &&
                       own != lib.lexicons().languages.end() &&
                       own->second.replies.count("start_already") > 0;
  const std::string& text = lib.lexicons().reply(lang, already ? "start_already" : kw.keyword);
  if (!text.empty())
    out.effects.push_back(core::send_sms{render_fixed(text, helpline, paused),
                                         core::sms_priority::reply, "keyword"});
  bool ends = kw.keyword == "stop" || kw.keyword == "pause";
  if (s && ends) {
    out.effects.push_back(core::end_session{kw.keyword == "stop" ? "opted_out" : "paused"});
    out.ended_state = s;
  }
  if (!ends) out.state = s;
  return out;
}

step_output handle_crisis(const dialog_library& lib, const std::optional<session>& s,
                          const student_context& ctx, const conversation_settings& cs,
                          std::string_view text) {
  step_output out;
  out.crisis = true;
  std::string lang = reply_language(lib, ctx.language);
  out.effects.push_back(core::open_ticket{"crisis", core::urgency::urgent,
                                          s ? s->dialog_id : std::string(),
                                          s ? s->node : std::string(),
                                          std::string(utf8_prefix(text, excerpt_bytes))});
  const std::string& reply = lib.lexicons().reply(lang, "crisis");
  out.effects.push_back(core::send_sms{
      render_fixed(reply.empty() ? std::string(crisis_fallback) : reply,
                   pick(cs.helpline, lang, "en"), ""),
      core::sms_priority::crisis, "crisis_helpline"});
  if (s) {
    out.effects.push_back(core::end_session{"crisis"});
    out.ended_state = s;
  }
  return out;
}

// The dialog part of on_reply, in a function of its own so that its one step_output is built
// in place of the caller's (a single named return value).
step_output reply_at(const dialog& d, const node& n, const session& s, const student_context& ctx,
                     const conversation_settings& cs, const prepared_reply& r, core::instant now) {
  step_output out;
  out.state.emplace(s);
  stepper st(d, ctx, cs, now, out);
  st.set_excerpt(r.raw);
  st.reply(n, r);
  st.finish_output();
  return out;
}

// on_reply once the dialog of session `at` is known. `r`: the reply prepared with the
// accent-folded sets (prepared again here for a dialog that keeps accents).
step_output reply_in(const dialog& d, const session& at, const student_context& ctx,
                     const conversation_settings& cs, std::string_view text, prepared_reply& r,
                     core::instant now) {
  if (now >= at.expires) return ended(at, "no_reply", "no_reply");
  const node* n = d.find(at.node);
  if (!n || !n->wait || !n->fallback) return ended(at, "dialog_error");
  if (!d.sets->strip_accents) prepare_reply(text, *d.sets, ctx.language, r);
  return reply_at(d, *n, at, ctx, cs, r, now);
}

}  // namespace

step_output start(const dialog_library& lib, std::string_view dialog_id,
                  const student_context& ctx, const conversation_settings& cs,
                  core::instant now) {
  const dialog* d = lib.find(dialog_id);
  if (!d) return {};
  step_output out;
  session& s = out.state.emplace();
  s.dialog_id = d->id;
  s.dialog_version = d->version;
  s.started = now;
  s.expires = now + d->expiry;
  s.token = s.first_token();
  stepper st(*d, ctx, cs, now, out);
  st.set_priority(core::sms_priority::bulk);
  st.enter(d->start, d->start_index);
  st.finish_output();
  return out;
}

bool message_taken(const step_output& step, bool had_session) {
  if (step.crisis || step.keyword) return true;
  const bool expired =
      had_session && std::any_of(step.effects.begin(), step.effects.end(), [](const auto& e) {
        const auto* end = std::get_if<core::end_session>(&e);
        return end && end->outcome == "no_reply";
      });
  if (expired) return false;
  return step.category || step.state || had_session;  // else: texted first
}

step_output start_with_reply(const dialog_library& lib, std::string_view dialog_id,
                             const student_context& ctx, const conversation_settings& cs,
                             std::string_view text, core::instant now) {
  step_output first = start(lib, dialog_id, ctx, cs, now);
  if (!first.state) return first;
  step_output out = on_reply(lib, first.state, ctx, cs, text, now);
  // The opening's effects (texts, its timers) come first; its timers only while a session
  // remains for them.
  std::vector<core::effect> effects;
  for (auto& e : first.effects)
    if (out.state || !std::holds_alternative<core::schedule_timer>(e))
      effects.push_back(std::move(e));
  for (auto& e : out.effects) effects.push_back(std::move(e));
  out.effects = std::move(effects);
  return out;
}

std::optional<std::string> crisis_language(const dialog_library& lib, std::string_view text) {
  thread_local prepared_reply r;
  prepare_reply(text, lib.accent_folded_sets(), "", r);
  if (auto lang = lib.crisis().find(r.folded.tokens)) return std::string(*lang);
  return std::nullopt;
}

step_output on_reply(const dialog_library& lib, const std::optional<session>& s,
                     const student_context& ctx, const conversation_settings& cs,
                     std::string_view text, core::instant now) {
  thread_local prepared_reply r;
  prepare_reply(text, lib.accent_folded_sets(), ctx.language, r);
  if (auto kw = lib.keywords().detect(r.folded.tokens, ctx.language))
    return handle_keyword(lib, s, ctx, cs, *kw, now);
  if (lib.crisis().detect(r.folded.tokens)) return handle_crisis(lib, s, ctx, cs, text);
  if (!s) return {};
  // The session's own version, as for most steps: no moved session to hold (GCC 12 clears the
  // whole storage of an empty std::optional<session>, 800 bytes, at each construction).
  if (const dialog* d = lib.find_version(s->dialog_id, s->dialog_version))
    return reply_in(*d, *s, ctx, cs, text, r, now);
  std::optional<session> moved;
  const dialog* d = dialog_of(lib, *s, moved);
  if (!d) return ended(*s, "dialog_removed");
  return reply_in(*d, moved ? *moved : *s, ctx, cs, text, r, now);
}

bool timer_is_live(const session& s, std::string_view kind, std::int64_t token, core::instant now) {
  if (kind == timer_expiry) return now >= s.expires;
  return token == s.token;
}

step_output on_timer(const dialog_library& lib, const session& s, const student_context& ctx,
                     const conversation_settings& cs, std::string_view kind, std::int64_t token,
                     core::instant now) {
  step_output unchanged;
  unchanged.state = s;
  if (!timer_is_live(s, kind, token, now)) return unchanged;
  std::optional<session> moved;
  const dialog* d = dialog_of(lib, s, moved);
  if (!d) return ended(s, "dialog_removed");
  const session& at = moved ? *moved : s;
  unchanged.state = at;
  if (kind == timer_expiry) {
    if (now < at.expires) return unchanged;
    return ended(at, "no_reply", "no_reply");
  }
  if (kind != timer_wait_timeout) return unchanged;
  if (now >= at.expires) return ended(at, "no_reply", "no_reply");
  const node* n = d->find(at.node);
  if (!n || !n->wait) return ended(at, "dialog_error");
  step_output out;
  out.state.emplace(at);
  stepper st(*d, ctx, cs, now, out);
  st.timeout(*n);
  st.finish_output();
  return out;
}

}  // namespace tuki::dialog
