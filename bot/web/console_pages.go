package web

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tongbao/bot/cards"
	"tongbao/bot/chat"
	"tongbao/content"
)

// recentCount is how many bulletins the overview's read rates cover.
const recentCount = 10

// overviewData is the overview page.
type overviewData struct {
	Subscribers *content.SubscriberCounts
	Platforms   []string
	Statuses    []content.Status
	Bulletins   int64
	ThisWeek    int64
	Queues      []queueRow
	Recent      []bulletinRow
	Sources     []SourceRow
	Pending     int
}

// queueRow is one platform's deliveries: waiting, sent, failed.
type queueRow struct {
	Platform string
	Stats    *content.QueueStats
}

// bulletinRow is a bulletin with its reach.
type bulletinRow struct {
	B     *content.Bulletin
	Date  string
	Reach content.Reach
}

func (c *Console) overview(w http.ResponseWriter, r *http.Request, a admin) {
	ctx := r.Context()
	d := overviewData{Statuses: content.Statuses}
	var err error
	if d.Subscribers, err = c.deps.Store.CountSubscribers(ctx); err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	d.Platforms = slices.Sorted(maps.Keys(d.Subscribers.ByPlatform))
	if d.Bulletins, _, err = c.deps.Store.CountBulletins(ctx); err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	if _, d.ThisWeek, err = c.deps.Store.Timeline(ctx, content.Filter{From: c.deps.Now().AddDate(0, 0, -7)}, 0, 1); err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	for _, p := range c.deps.Platforms {
		qs, err := c.deps.Store.QueueStats(ctx, p)
		if err != nil {
			c.fail(w, r, a.lang, err)
			return
		}
		d.Queues = append(d.Queues, queueRow{p, qs})
	}
	if d.Recent, _, err = c.bulletinRows(r, content.Filter{}, "", 0, recentCount); err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	if c.deps.Sources != nil {
		if d.Sources, err = c.deps.Sources(ctx); err != nil {
			c.fail(w, r, a.lang, err)
			return
		}
	}
	pending, err := c.deps.Store.PendingBroadcasts(ctx)
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	d.Pending = len(pending)
	c.render(w, r, http.StatusOK, "overview", c.page(a, "overview", d))
}

// bulletinRows lists bulletins — by search words, or the timeline under a
// filter — each with its stats.
func (c *Console) bulletinRows(r *http.Request, f content.Filter, query string, offset, limit int) ([]bulletinRow, int64, error) {
	ctx := r.Context()
	var bs []*content.Bulletin
	var total int64
	if query != "" {
		hits, n, err := c.deps.Store.Search(ctx, query, offset, limit)
		if err != nil {
			return nil, 0, err
		}
		for _, h := range hits {
			if (f.Kind == "" || h.Bulletin.Kind == f.Kind) && inRange(h.Bulletin.PublishedAt, f.From, f.To) {
				bs = append(bs, h.Bulletin)
			}
		}
		total = n
	} else {
		var err error
		if bs, total, err = c.deps.Store.Timeline(ctx, f, offset, limit); err != nil {
			return nil, 0, err
		}
	}
	ids := make([]string, len(bs))
	for i, b := range bs {
		ids[i] = b.ID
	}
	reaches, err := c.deps.Store.Reaches(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	rows := make([]bulletinRow, len(bs))
	for i, b := range bs {
		rows[i] = bulletinRow{B: b, Date: b.PublishedText("2006-01-02"), Reach: reaches[i]}
	}
	return rows, total, nil
}

// inRange reports whether t is within [from, to] (zero ends are open).
func inRange(t, from, to time.Time) bool {
	return (from.IsZero() || !t.Before(from)) && (to.IsZero() || t.Before(to))
}

// bulletinsData is the bulletins list with its filter.
type bulletinsData struct {
	Query, Kind, From, To string
	Kinds                 []content.Kind
	Rows                  []bulletinRow
	Total                 int64
	Page                  int
	Prev, Next            string
}

// listSize is how many rows a list page shows.
const listSize = 30

func (c *Console) bulletins(w http.ResponseWriter, r *http.Request, a admin) {
	q := r.URL.Query()
	d := bulletinsData{Query: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind"), From: q.Get("from"), To: q.Get("to"),
		Kinds: []content.Kind{content.KindMeeting, content.KindNotice, content.KindNews, content.KindAnnouncement}}
	d.Page, _ = strconv.Atoi(q.Get("page"))
	d.Page = max(d.Page, 0)
	f := content.Filter{Kind: content.Kind(d.Kind)}
	if t, err := time.ParseInLocation("2006-01-02", d.From, content.Shanghai); err == nil {
		f.From = t
	}
	if t, err := time.ParseInLocation("2006-01-02", d.To, content.Shanghai); err == nil {
		f.To = t.AddDate(0, 0, 1)
	}
	var err error
	if d.Rows, d.Total, err = c.bulletinRows(r, f, d.Query, d.Page*listSize, listSize); err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	pageURL := func(n int) string {
		v := maps.Clone(q)
		v.Set("page", strconv.Itoa(n))
		return "/admin/bulletins?" + v.Encode()
	}
	if d.Page > 0 {
		d.Prev = pageURL(d.Page - 1)
	}
	if int64((d.Page+1)*listSize) < d.Total {
		d.Next = pageURL(d.Page + 1)
	}
	c.render(w, r, http.StatusOK, "bulletins", c.page(a, "bulletins", d))
}

// bulletinData is one bulletin's page.
type bulletinData struct {
	B         *content.Bulletin
	Date      string
	Card      chat.Reply
	Stats     *content.DeliveryStats
	Platforms []reachRow
	Units     []reachRow
	Unread    []*content.Subscriber
	UnreadAll int64
	Reads     chart
	// Copies are the other addresses the bulletin was published at,
	// merged into it rather than pushed again.
	Copies []string
}

// reachRow is the reach within one platform or unit.
type reachRow struct {
	Name string
	content.Reach
}

// unreadShown is how many of the unread a bulletin's page lists.
const unreadShown = 200

func (c *Console) bulletin(w http.ResponseWriter, r *http.Request, a admin) {
	ctx := r.Context()
	b, err := c.deps.Store.Bulletin(ctx, r.PathValue("id"))
	if isNotFound(err) {
		c.refuse(w, r, a.lang, http.StatusNotFound, "bulletin.none")
		return
	}
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	d := bulletinData{B: b, Date: b.PublishedText("2006-01-02"), Card: cards.Bulletin(b, a.lang, "", "")}
	if d.Stats, err = c.deps.Store.Stats(ctx, b.ID); err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	for _, p := range slices.Sorted(maps.Keys(d.Stats.ByPlatform)) {
		d.Platforms = append(d.Platforms, reachRow{p, d.Stats.ByPlatform[p]})
	}
	for _, u := range slices.Sorted(maps.Keys(d.Stats.ByUnit)) {
		if rr := d.Stats.ByUnit[u]; rr.Delivered > 0 {
			d.Units = append(d.Units, reachRow{u, rr})
		}
	}
	if d.Unread, d.UnreadAll, err = c.deps.Store.UnreadSubscribers(ctx, b.ID, unreadShown); err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	if d.Copies, err = c.deps.Store.Aliases(ctx, b.ID); err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	d.Reads = readsChart(b.PublishedAt, d.Stats.ByHour, a.lang)
	p := c.page(a, "bulletins", d)
	p.Title = b.Title
	c.render(w, r, http.StatusOK, "bulletin", p)
}

// chart serves a bulletin's reads over time as an SVG image of its own,
// for printing or saving.
func (c *Console) chart(w http.ResponseWriter, r *http.Request, a admin) {
	st, err := c.deps.Store.Stats(r.Context(), r.PathValue("id"))
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	b, err := c.deps.Store.Bulletin(r.Context(), r.PathValue("id"))
	if err != nil {
		c.refuse(w, r, a.lang, http.StatusNotFound, "bulletin.none")
		return
	}
	var buf strings.Builder
	if err := chartFile(readsChart(b.PublishedAt, st.ByHour, a.lang)).Render(r.Context(), &buf); err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte(buf.String()))
}

// remind sends 催读: one reminder to each subscriber who has not read the
// bulletin, through the dispatcher's reminder (never twice to anyone).
func (c *Console) remind(w http.ResponseWriter, r *http.Request, a admin) {
	id := r.PathValue("id")
	if _, err := c.deps.Store.Bulletin(r.Context(), id); isNotFound(err) {
		c.refuse(w, r, a.lang, http.StatusNotFound, "bulletin.none")
		return
	} else if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	n, err := c.deps.Reminder.Remind(r.Context(), a.session.Admin, id)
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	notice := "reminded"
	if n == 0 {
		notice = "reminded0"
	}
	done(w, r, "/admin/bulletins/"+id, notice)
}

// subscribersData is the subscribers page.
type subscribersData struct {
	Query, Topic string
	Status       content.Status
	Statuses     []content.Status
	Rows         []*content.Subscriber
	Limit        int
}

// subscribersShown is how many subscribers a search lists.
const subscribersShown = 100

func (c *Console) subscribers(w http.ResponseWriter, r *http.Request, a admin) {
	q := r.URL.Query()
	d := subscribersData{Query: strings.TrimSpace(q.Get("q")), Status: content.Status(q.Get("status")), Topic: strings.TrimSpace(q.Get("topic")),
		Limit: subscribersShown, Statuses: content.Statuses}
	if !slices.Contains(d.Statuses, d.Status) {
		d.Status = ""
	}
	var err error
	if d.Rows, err = c.deps.Store.FindSubscribers(r.Context(), d.Query, d.Status, d.Topic, subscribersShown); err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	c.render(w, r, http.StatusOK, "subscribers", c.page(a, "subscribers", d))
}

// updateSubscriber sets a subscriber's unit or role, or blocks or
// unblocks them.
func (c *Console) updateSubscriber(w http.ResponseWriter, r *http.Request, a admin) {
	ctx := r.Context()
	id := r.PostFormValue("id")
	sub, err := c.deps.Store.Subscriber(ctx, id)
	if isNotFound(err) {
		c.refuse(w, r, a.lang, http.StatusNotFound, "subscriber.none")
		return
	}
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	detail := map[string]string{"subscriber": id}
	switch op := r.PostFormValue("op"); op {
	case "unit":
		unit := strings.TrimSpace(r.PostFormValue("unit"))
		if len([]rune(unit)) > 60 {
			c.refuse(w, r, a.lang, http.StatusBadRequest, "subscriber.unitlong")
			return
		}
		err, detail["unit"] = c.deps.Store.SetUnit(ctx, id, unit), unit
	case "admin", "member":
		if id == a.session.Admin && op == "member" {
			c.refuse(w, r, a.lang, http.StatusBadRequest, "subscriber.self")
			return
		}
		err, detail["role"] = c.deps.Store.SetAdmin(ctx, id, op == "admin"), op
	case "block", "unblock":
		status := content.StatusBlocked
		if op == "unblock" {
			status = content.StatusActive
		}
		if sub.Status == content.StatusLeft && op == "unblock" {
			c.refuse(w, r, a.lang, http.StatusBadRequest, "subscriber.left")
			return
		}
		err, detail["status"] = c.deps.Store.SetStatus(ctx, id, status), string(status)
	default:
		c.refuse(w, r, a.lang, http.StatusBadRequest, "form.bad")
		return
	}
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	c.audit(ctx, a, "subscriber", detail)
	done(w, r, "/admin/subscribers?q="+url.QueryEscape(id), "saved")
}

func (c *Console) sources(w http.ResponseWriter, r *http.Request, a admin) {
	var rows []SourceRow
	if c.deps.Sources != nil {
		var err error
		if rows, err = c.deps.Sources(r.Context()); err != nil {
			c.fail(w, r, a.lang, err)
			return
		}
	}
	c.render(w, r, http.StatusOK, "sources", c.page(a, "sources", rows))
}

// poll polls one source now, as `tongbao serve` would when it is due.
func (c *Console) poll(w http.ResponseWriter, r *http.Request, a admin) {
	name := r.PostFormValue("name")
	if c.deps.Poll == nil {
		c.refuse(w, r, a.lang, http.StatusNotFound, "source.none")
		return
	}
	err := c.deps.Poll(r.Context(), name)
	if isNotFound(err) {
		c.refuse(w, r, a.lang, http.StatusNotFound, "source.none")
		return
	}
	c.audit(r.Context(), a, "poll", map[string]string{"source": name, "ok": fmt.Sprint(err == nil)})
	if err != nil {
		done(w, r, "/admin/sources", "pollfailed")
		return
	}
	done(w, r, "/admin/sources", "polled")
}

// auditShown is how many audit entries the page lists.
const auditShown = 200

func (c *Console) auditLog(w http.ResponseWriter, r *http.Request, a admin) {
	entries, err := c.deps.Store.AuditLog(r.Context(), auditShown)
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	c.render(w, r, http.StatusOK, "audit", c.page(a, "audit", entries))
}

// deadRow is a dead letter with where it sits in its list.
type deadRow struct {
	Platform string
	Index    int
	content.DeadLetter
	At int64
}

// deadShown is how many dead letters of each platform the page lists.
const deadShown = 100

func (c *Console) deadLetters(w http.ResponseWriter, r *http.Request, a admin) {
	var rows []deadRow
	for _, p := range c.deps.Platforms {
		dls, err := c.deps.Store.DeadLetters(r.Context(), p, deadShown)
		if err != nil {
			c.fail(w, r, a.lang, err)
			return
		}
		for i, dl := range dls {
			rows = append(rows, deadRow{Platform: p, Index: i, DeadLetter: dl, At: dl.At.UnixNano()})
		}
	}
	c.render(w, r, http.StatusOK, "dead", c.page(a, "dead", rows))
}

// retryDead puts one dead letter back on its queue.
func (c *Console) retryDead(w http.ResponseWriter, r *http.Request, a admin) {
	p := r.PostFormValue("platform")
	index, err1 := strconv.ParseInt(r.PostFormValue("index"), 10, 64)
	at, err2 := strconv.ParseInt(r.PostFormValue("at"), 10, 64)
	if !slices.Contains(c.deps.Platforms, p) || err1 != nil || err2 != nil {
		c.refuse(w, r, a.lang, http.StatusBadRequest, "form.bad")
		return
	}
	dl, err := c.deps.Store.RetryDeadLetter(r.Context(), p, index, time.Unix(0, at))
	if isNotFound(err) {
		done(w, r, "/admin/dead", "retrygone")
		return
	}
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	c.audit(r.Context(), a, "retry", map[string]string{"platform": p, "id": dl.Delivery.BulletinID, "subscriber": dl.Delivery.Subscriber})
	done(w, r, "/admin/dead", "retried")
}
