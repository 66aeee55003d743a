package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"tongbao/bot/chat"
	"tongbao/content"
)

// maxBroadcast is the longest announcement in characters.
const maxBroadcast = 2000

// broadcastData is the broadcast form, its preview, and the broadcasts
// waiting for approval.
type broadcastData struct {
	Text     string
	Audience string // all, platform, topic, unit
	Value    string
	Urgent   bool
	Segment  content.Segment
	// Scope is the admin's units when they manage only some: the
	// broadcast reaches the accounts bound to people there.
	Scope    []string
	Count    int64
	Preview  bool
	Error    string
	Approval bool
	Pending  []content.PendingBroadcast
	// Shown is the announcement as each platform it reaches shows it.
	Shown []platformPreview
}

// broadcastForm shows the compose form and the broadcasts waiting for
// approval.
func (c *Console) broadcastForm(w http.ResponseWriter, r *http.Request, a admin) {
	d, err := c.broadcastBase(r)
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	c.render(w, r, http.StatusOK, "broadcast", c.page(a, "broadcast", d))
}

// broadcastBase is the form's data with the pending broadcasts.
func (c *Console) broadcastBase(r *http.Request) (broadcastData, error) {
	d := broadcastData{Audience: "all", Approval: c.cfg.Approval}
	var err error
	d.Pending, err = c.deps.Store.PendingBroadcasts(r.Context())
	return d, err
}

// readBroadcast reads and checks a broadcast from a form: the text, the
// audience and urgency, and how many it reaches. A problem is returned
// as a message key.
func (c *Console) readBroadcast(r *http.Request, d *broadcastData) (problem string, err error) {
	d.Text = strings.TrimSpace(r.PostFormValue("text"))
	d.Audience, d.Value = r.PostFormValue("audience"), strings.TrimSpace(r.PostFormValue("value"))
	d.Urgent = r.PostFormValue("urgent") == "1"
	switch {
	case d.Text == "":
		return "bc.empty", nil
	case len([]rune(d.Text)) > maxBroadcast:
		return "bc.long", nil
	}
	switch d.Audience {
	case "all":
		d.Segment = "all"
	case "platform":
		if !slices.Contains(c.deps.Platforms, d.Value) {
			return "bc.audience.bad", nil
		}
		d.Segment = content.Segment("platform:" + d.Value)
	case "topic", "unit":
		if d.Value == "" || strings.ContainsAny(d.Value, "\r\n") {
			return "bc.audience.bad", nil
		}
		d.Segment = content.Segment(d.Audience + ":" + d.Value)
	default:
		return "bc.audience.bad", nil
	}
	if d.Count, err = c.deps.Store.CountAudience(r.Context(), d.Segment, d.Scope); err != nil {
		return "", err
	}
	if d.Count == 0 {
		return "bc.nobody", nil
	}
	return "", nil
}

// checkedBroadcast reads the form's broadcast and checks it: ok is false
// when the store failed (the answer is written); d.Error says what is wrong
// with a broadcast that cannot be sent as it is.
func (c *Console) checkedBroadcast(w http.ResponseWriter, r *http.Request, a admin) (d broadcastData, ok bool) {
	d, err := c.broadcastBase(r)
	if err == nil {
		d.Scope, err = c.deps.Store.Scope(r.Context(), a.session.Admin)
	}
	if err == nil {
		var problem string
		if problem, err = c.readBroadcast(r, &d); problem != "" {
			d.Error = say(a.lang, problem)
		}
	}
	if err != nil {
		c.fail(w, r, a.lang, err)
		return d, false
	}
	return d, true
}

// broadcastPreview shows the announcement as it will go out and how many
// it reaches, with the confirm button.
func (c *Console) broadcastPreview(w http.ResponseWriter, r *http.Request, a admin) {
	d, ok := c.checkedBroadcast(w, r, a)
	if !ok {
		return
	}
	status := http.StatusOK
	if d.Error != "" {
		status = http.StatusUnprocessableEntity
	} else {
		d.Preview = true
		var err error
		if d.Shown, err = c.platformPreviews(r.Context(), a.lang, d); err != nil {
			c.fail(w, r, a.lang, err)
			return
		}
	}
	c.render(w, r, status, "broadcast", c.page(a, "broadcast", d))
}

// broadcastSend sends a confirmed broadcast — or, under the two-person
// rule, keeps it for another admin's approval.
func (c *Console) broadcastSend(w http.ResponseWriter, r *http.Request, a admin) {
	d, ok := c.checkedBroadcast(w, r, a)
	if !ok {
		return
	}
	if d.Error != "" {
		c.render(w, r, http.StatusUnprocessableEntity, "broadcast", c.page(a, "broadcast", d))
		return
	}
	if c.cfg.Approval {
		pb := &content.PendingBroadcast{Proposer: a.session.Admin, Text: d.Text, Segment: d.Segment, Urgent: d.Urgent, Count: d.Count, At: c.deps.Now()}
		if err := c.deps.Store.ProposeBroadcast(r.Context(), pb); err != nil {
			c.fail(w, r, a.lang, err)
			return
		}
		c.audit(r.Context(), a, "propose", map[string]string{"pending": pb.ID, "text": pb.Text, "audience": string(pb.Segment), "urgent": boolText(pb.Urgent)})
		done(w, r, "/admin/broadcast", "proposed")
		return
	}
	c.announce(w, r, a, chat.Announcement{Actor: a.session.Admin, Text: d.Text, Segment: d.Segment, Urgent: d.Urgent, Scope: d.Scope})
}

// announce sends an announcement through the dispatcher (which queues it,
// audits it and counts its reach like any other) and shows its progress.
func (c *Console) announce(w http.ResponseWriter, r *http.Request, a admin, ann chat.Announcement) {
	ctx := r.Context()
	sent, err := c.deps.Announcer.Announce(ctx, ann)
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	http.Redirect(w, r, "/admin/broadcast/"+url.PathEscape(sent.ID)+"?n="+strconv.FormatInt(sent.Recipients, 10), http.StatusSeeOther)
}

// broadcastApprove sends a pending broadcast on a second admin's word;
// its proposer cannot approve it.
func (c *Console) broadcastApprove(w http.ResponseWriter, r *http.Request, a admin) {
	ctx := r.Context()
	id := r.PostFormValue("id")
	pending, err := c.deps.Store.PendingBroadcasts(ctx)
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	i := slices.IndexFunc(pending, func(pb content.PendingBroadcast) bool { return pb.ID == id })
	if i < 0 {
		done(w, r, "/admin/broadcast", "gone")
		return
	}
	if pending[i].Proposer == a.session.Admin {
		c.refuse(w, r, a.lang, http.StatusForbidden, "bc.selfapprove")
		return
	}
	pb, ok := c.take(w, r, a, id)
	if !ok {
		return
	}
	// The proposer's scope as it is now: one narrowed meanwhile is not
	// widened by the approval.
	scope, err := c.deps.Store.Scope(ctx, pb.Proposer)
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	c.audit(ctx, a, "approve", map[string]string{"pending": pb.ID, "proposer": pb.Proposer})
	c.announce(w, r, a, chat.Announcement{Actor: pb.Proposer, Text: pb.Text, Segment: pb.Segment, Urgent: pb.Urgent, Scope: scope})
}

// broadcastWithdraw drops a pending broadcast (any admin may).
func (c *Console) broadcastWithdraw(w http.ResponseWriter, r *http.Request, a admin) {
	pb, ok := c.take(w, r, a, r.PostFormValue("id"))
	if !ok {
		return
	}
	c.audit(r.Context(), a, "withdraw", map[string]string{"pending": pb.ID, "proposer": pb.Proposer})
	done(w, r, "/admin/broadcast", "withdrawn")
}

// take removes a pending broadcast for whoever acts on it first; ok is
// false when it was gone already or the store failed (the answer is
// written).
func (c *Console) take(w http.ResponseWriter, r *http.Request, a admin, id string) (*content.PendingBroadcast, bool) {
	pb, err := c.deps.Store.TakeBroadcast(r.Context(), id)
	if isNotFound(err) {
		done(w, r, "/admin/broadcast", "gone")
		return nil, false
	}
	if err != nil {
		c.fail(w, r, a.lang, err)
		return nil, false
	}
	return pb, true
}

// progressData is a broadcast's progress.
type progressData struct {
	B       *content.Bulletin
	Stats   *content.DeliveryStats
	Total   int64
	Percent int
	Done    bool
}

// broadcastProgress shows how far a broadcast has gone out, refreshing
// itself every two seconds until it has.
func (c *Console) broadcastProgress(w http.ResponseWriter, r *http.Request, a admin) {
	ctx := r.Context()
	b, err := c.deps.Store.Bulletin(ctx, r.PathValue("id"))
	if isNotFound(err) || (err == nil && b.Kind != content.KindAnnouncement) {
		c.refuse(w, r, a.lang, http.StatusNotFound, "bulletin.none")
		return
	}
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	d := progressData{B: b}
	if d.Stats, err = c.deps.Store.Stats(ctx, b.ID); err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	d.Total, _ = strconv.ParseInt(r.URL.Query().Get("n"), 10, 64)
	d.Total = max(d.Total, d.Stats.Delivered)
	d.Done = d.Stats.Delivered >= d.Total
	if d.Total > 0 {
		d.Percent = int(100 * d.Stats.Delivered / d.Total)
	}
	p := c.page(a, "broadcast", d)
	if !d.Done {
		p.Refresh = 2
	}
	p.Title = fmt.Sprintf("%s %d%%", say(a.lang, "bc.progress"), d.Percent)
	c.render(w, r, http.StatusOK, "progress", p)
}
