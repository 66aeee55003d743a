package web

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"tongbao/bot/cards"
	"tongbao/bot/chat"
	"tongbao/content"
)

// publishDraft is an input between its preview and its sending, kept in
// the store under the admin's id.
type publishDraft struct {
	Input content.Input `json:"input"`
}

// draftTTL is how long a publish or broadcast preview may wait.
const draftTTL = time.Hour

// publishData is the publish form or its preview.
type publishData struct {
	Text  string
	Error string
	// Preview, when set, is the parsed bulletin (with the corrections
	// entered so far, and the audience chosen in Preview.Audience) and its
	// card.
	Preview *content.Bulletin
	Card    chat.Reply
	Kinds   []content.Kind
	// At is the send time entered ("2006-01-02T15:04", or "" for now).
	At string
	// Count is how many active subscribers the chosen audience reaches
	// (now or in their digest): the form's counted field carries which
	// audience it was counted for, and a send for another one is shown
	// with its own count first.
	Count int64
	// The audience's choices: the known topics, the subscribers' units and
	// the platforms there are.
	Topics, Units, Platforms []choice
}

// choice is one box of a choice of several: its value, and whether it is
// chosen.
type choice struct {
	Value  string
	Chosen bool
}

// choices are the boxes for values, with those in chosen ticked.
func choices(values, chosen []string) []choice {
	out := make([]choice, len(values))
	for i, v := range values {
		out[i] = choice{Value: v, Chosen: slices.Contains(chosen, v)}
	}
	return out
}

func (c *Console) publishForm(w http.ResponseWriter, r *http.Request, a admin) {
	c.render(w, r, http.StatusOK, "publish", c.page(a, "publish", publishData{}))
}

// publishInput reads the pasted text or the uploaded file of the form.
func publishInput(r *http.Request, now time.Time) (content.Input, error) {
	in := content.Input{Fetched: now}
	if file, header, err := r.FormFile("file"); err == nil {
		defer file.Close()
		if header.Size > 0 {
			if in.Data, err = io.ReadAll(io.LimitReader(file, maxUpload+1)); err != nil {
				return in, err
			}
			in.Name = header.Filename
			return in, nil
		}
	}
	in.Data, in.Name = []byte(r.PostFormValue("text")), "console.txt"
	return in, nil
}

// publishPreview parses the input and shows the card and summary before
// anything is stored or sent.
func (c *Console) publishPreview(w http.ResponseWriter, r *http.Request, a admin) {
	in, err := publishInput(r, c.deps.Now())
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	d := publishData{Text: r.PostFormValue("text")}
	b, err := c.deps.Parse(in)
	if err != nil {
		d.Error = contentProblem(a.lang, err)
		c.render(w, r, http.StatusUnprocessableEntity, "publish", c.page(a, "publish", d))
		return
	}
	if err := c.deps.Store.SaveSession(r.Context(), a.session.Admin, "console-publish", publishDraft{Input: in}, draftTTL); err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	c.showPreview(w, r, a, b, d)
}

// showPreview shows the parsed (and corrected) bulletin with the choice of
// audience and how many the audience chosen reaches.
func (c *Console) showPreview(w http.ResponseWriter, r *http.Request, a admin, b *content.Bulletin, d publishData) {
	ctx := r.Context()
	counts, err := c.deps.Store.CountSubscribers(ctx)
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	if d.Count, err = c.deps.Store.CountBulletinAudience(ctx, b); err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	d.Kinds = []content.Kind{content.KindMeeting, content.KindNotice, content.KindNews}
	aud := b.Audience
	topics := slices.Clone(c.deps.Topics)
	for _, t := range append(slices.Clone(b.Tags), aud.Topics...) {
		if !slices.Contains(topics, t) {
			topics = append(topics, t)
		}
	}
	units := slices.DeleteFunc(slices.Sorted(maps.Keys(counts.ByUnit)), func(u string) bool { return counts.ByUnit[u] == 0 })
	for _, u := range aud.Units {
		if !slices.Contains(units, u) {
			units = append(units, u)
		}
	}
	var platforms []string
	for _, p := range content.AudiencePlatforms {
		if counts.ByPlatform[p] > 0 || slices.Contains(aud.Platforms, p) {
			platforms = append(platforms, p)
		}
	}
	d.Topics, d.Units, d.Platforms = choices(topics, aud.Topics), choices(units, aud.Units), choices(platforms, aud.Platforms)
	d.Preview, d.Card = b, cards.Bulletin(b, a.lang, "", "")
	c.render(w, r, http.StatusOK, "publish", c.page(a, "publish", d))
}

// contentProblem says in the admin's language why an input was refused.
func contentProblem(lang string, err error) string {
	for _, p := range []struct {
		err error
		key string
	}{{content.ErrEmpty, "empty"}, {content.ErrTooLarge, "large"}, {content.ErrBinary, "binary"}, {content.ErrEncoding, "encoding"},
		{content.ErrNoArticle, "noarticle"}, {content.ErrNoTitle, "notitle"},
		{content.ErrDocx, "docx"}, {content.ErrOldWord, "olddoc"}, {content.ErrEncrypted, "encrypted"}} {
		if errors.Is(err, p.err) {
			return say(lang, "publish.bad."+p.key)
		}
	}
	return say(lang, "publish.bad.other")
}

// publishSend stores the previewed input through the ingest pipeline, with
// the admin's corrections, and pushes it to the audience chosen. A choice
// of audience other than the one last counted (or the count button) shows
// the preview again with its count, sending nothing.
func (c *Console) publishSend(w http.ResponseWriter, r *http.Request, a admin) {
	ctx := r.Context()
	var draft publishDraft
	err := c.deps.Store.LoadSession(ctx, a.session.Admin, "console-publish", &draft)
	if isNotFound(err) {
		c.refuse(w, r, a.lang, http.StatusConflict, "publish.expired")
		return
	}
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	title := strings.TrimSpace(r.PostFormValue("title"))
	summary := strings.TrimSpace(r.PostFormValue("summary"))
	kind := content.Kind(r.PostFormValue("kind"))
	if title == "" || len([]rune(title)) > 200 || len([]rune(summary)) > 2000 ||
		(kind != content.KindMeeting && kind != content.KindNotice && kind != content.KindNews) {
		c.refuse(w, r, a.lang, http.StatusBadRequest, "form.bad")
		return
	}
	aud, err := audienceOf(r.PostForm)
	if err != nil {
		c.refuse(w, r, a.lang, http.StatusBadRequest, "form.bad")
		return
	}
	edit := func(b *content.Bulletin) {
		b.Title, b.Kind, b.Audience = title, kind, aud
		if summary != "" {
			b.Summary = summary
		}
	}
	var at time.Time
	if v := r.PostFormValue("at"); v != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", v, content.Shanghai)
		if err != nil {
			c.refuse(w, r, a.lang, http.StatusBadRequest, "form.bad")
			return
		}
		if t.After(c.deps.Now()) {
			at = t
		}
	}
	if r.PostFormValue("recount") != "" || r.PostFormValue("counted") != aud.String() {
		b, err := c.deps.Parse(draft.Input)
		if err != nil {
			c.fail(w, r, a.lang, err)
			return
		}
		edit(b)
		c.showPreview(w, r, a, b, publishData{At: r.PostFormValue("at")})
		return
	}
	res, err := c.deps.Ingest(ctx, draft.Input, edit, at)
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	_ = c.deps.Store.DeleteSession(ctx, a.session.Admin, "console-publish")
	detail := map[string]string{"id": res.ID, "title": res.Title, "new": boolText(res.New), "pushed": fmt.Sprint(res.Pushed)}
	notice := "published"
	if !at.IsZero() {
		detail["at"], notice = at.Format(time.RFC3339), "scheduled"
	}
	if !aud.IsZero() {
		detail["audience"] = aud.String()
	}
	if !res.New {
		notice = "duplicate"
	}
	c.audit(ctx, a, "publish", detail)
	done(w, r, "/admin/bulletins/"+res.ID, notice)
}

// audienceOf reads a chosen audience from a form or query: the fields
// topic, unit and platform, each repeatable or comma-separated. An empty
// value or an unknown platform is refused (content.ErrBadAudience).
func audienceOf(v url.Values) (content.Audience, error) {
	split := func(name string) []string {
		var out []string
		for _, s := range v[name] {
			out = append(out, strings.Split(s, ",")...)
		}
		return out
	}
	return content.NewAudience(split("topic"), split("unit"), split("platform"))
}
