package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tongbao/bot/msg"
	"tongbao/content"
)

// The roster page does in the browser what `tongbao roster` does on the
// command line and 绑定申请 / 批准 / 拒绝 in chat, through the same content
// and store functions: files are read by content.ReadRoster and planned by
// content.PlanRoster, changes stored by ApplyRoster, people removed by
// Forget, requests decided by TakeBindRequest and Bind. An admin with a
// scope (tongbao roster scope) sees and changes only the people of their
// units and the units below them.

// Roster page settings.
const (
	// rosterListSize bounds the people one page lists.
	rosterListSize = 200
	// inviteTTL is how long an invitation code made in the console works,
	// as `tongbao roster invite` gives by default.
	inviteTTL = 7 * 24 * time.Hour
	// rosterDraftName names the import draft in the admin's store session.
	rosterDraftName = "console-roster"
)

func (c *Console) rosterRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/roster", c.signedIn(c.roster))
	mux.HandleFunc("POST /admin/roster/import", c.signedIn(c.rosterImport))
	mux.HandleFunc("POST /admin/roster/import/confirm", c.signedIn(c.rosterImportConfirm))
	mux.HandleFunc("GET /admin/roster/add", c.signedIn(c.rosterAddForm))
	mux.HandleFunc("POST /admin/roster/add", c.signedIn(c.rosterAdd))
	mux.HandleFunc("GET /admin/roster/people/{id}", c.signedIn(c.rosterPerson))
	mux.HandleFunc("POST /admin/roster/people/{id}", c.signedIn(c.rosterEdit))
	mux.HandleFunc("GET /admin/roster/people/{id}/forget", c.signedIn(c.rosterForgetForm))
	mux.HandleFunc("POST /admin/roster/people/{id}/forget", c.signedIn(c.rosterForget))
	mux.HandleFunc("POST /admin/roster/requests", c.signedIn(c.rosterDecide))
	mux.HandleFunc("POST /admin/roster/invite", c.signedIn(c.rosterInvite))
}

// rosterUnitRow is one unit of the roster page: its own people (not those
// of the units below it), how many have an account bound, and how many
// have none (未绑定).
type rosterUnitRow struct {
	Unit                    string
	Depth                   int
	Members, Bound, Unbound int
}

// rosterData is the roster page: the admin's units, the people of one
// unit or of a search, and the pending bind requests.
type rosterData struct {
	// Scope is the admin's units; nil: every unit.
	Scope    []string
	Units    []rosterUnitRow
	Unit     string
	Query    string
	People   []content.Member
	More     bool
	Requests []content.BindRequest
}

func (c *Console) roster(w http.ResponseWriter, r *http.Request, a admin) {
	ctx := r.Context()
	scope, err := c.deps.Store.Scope(ctx, a.session.Admin)
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	q := r.URL.Query()
	d := rosterData{Scope: scope, Query: strings.TrimSpace(q.Get("q"))}
	if u := q.Get("unit"); u != "" {
		unit, ok := content.CleanUnit(u)
		if !ok {
			c.refuse(w, r, a.lang, http.StatusBadRequest, "form.bad")
			return
		}
		if !content.WithinAny(unit, scope) {
			c.refuse(w, r, a.lang, http.StatusForbidden, "roster.notyours")
			return
		}
		d.Unit = unit
	}
	people, _, err := c.deps.Store.Roster(ctx)
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	byUnit := map[string]*rosterUnitRow{}
	var order []string // the roster comes sorted by unit
	for _, m := range people {
		if !content.WithinAny(m.Unit, scope) {
			continue
		}
		row := byUnit[m.Unit]
		if row == nil {
			row = &rosterUnitRow{Unit: m.Unit, Depth: strings.Count(m.Unit, "/")}
			byUnit[m.Unit] = row
			order = append(order, m.Unit)
		}
		row.Members++
		if len(m.Accounts) > 0 {
			row.Bound++
		} else {
			row.Unbound++
		}
		if (d.Unit != "" && m.InUnit(d.Unit)) || (d.Query != "" && strings.Contains(m.Name, d.Query)) {
			if len(d.People) == rosterListSize {
				d.More = true
				continue
			}
			d.People = append(d.People, m)
		}
	}
	for _, u := range order {
		d.Units = append(d.Units, *byUnit[u])
	}
	if d.Requests, err = c.scopedRequests(ctx, scope); err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	c.render(w, r, http.StatusOK, "roster", c.page(a, "roster", d))
}

// scopedRequests lists the pending bind requests for people of the
// admin's units, as 绑定申请 does in chat.
func (c *Console) scopedRequests(ctx context.Context, scope []string) ([]content.BindRequest, error) {
	reqs, err := c.deps.Store.BindRequests(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(reqs, func(r content.BindRequest) bool { return !content.WithinAny(r.Unit, scope) }), nil
}

// rosterDraft is an import between its plan and its confirmation, kept in
// the store under the admin's id: the change exactly as shown, and the
// roster's version it was planned from (ApplyRoster refuses it when the
// roster changed since).
type rosterDraft struct {
	File    string               `json:"file"`
	Rows    int                  `json:"rows"`
	Change  content.RosterChange `json:"change"`
	Version int64                `json:"version"`
	// NewUnits is set when the roster had units and the file brings new
	// ones: confirming then needs the admin to accept them (the CLI's
	// --new-units).
	NewUnits bool `json:"new_units"`
}

// rosterImportData is an import's plan, or the problems of its file.
type rosterImportData struct {
	File   string
	Rows   int
	Errors []content.LineError
	// Change is what the file changes, and Lines say it as `tongbao
	// roster import --dry-run` prints it.
	Change *content.RosterChange
	Lines  []string
	// NewUnits are the units the file brings that the roster lacks, each
	// with the known unit nearest in spelling ("" for none).
	NewUnits [][2]string
	Confirm  bool // NewUnits needs accepting
}

// rosterImport reads an uploaded roster file and shows what importing it
// would change; nothing is stored but the draft.
func (c *Console) rosterImport(w http.ResponseWriter, r *http.Request, a admin) {
	ctx := r.Context()
	file, header, err := r.FormFile("file")
	if err != nil {
		c.refuse(w, r, a.lang, http.StatusBadRequest, "roster.nofile")
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, content.MaxRosterFile+1))
	if err != nil {
		c.refuse(w, r, a.lang, http.StatusBadRequest, "form.bad")
		return
	}
	d := rosterImportData{File: header.Filename}
	scope, err := c.deps.Store.Scope(ctx, a.session.Admin)
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	rows, err := content.ReadRoster(data)
	if err == nil {
		err = outsideScope(rows, scope)
	}
	var re *content.RosterError
	if errors.As(err, &re) {
		// An earlier plan is no longer what the admin is looking at.
		if err := c.deps.Store.DeleteSession(ctx, a.session.Admin, rosterDraftName); err != nil {
			c.fail(w, r, a.lang, err)
			return
		}
		d.Errors = re.Lines
		c.render(w, r, http.StatusUnprocessableEntity, "roster-plan", c.page(a, "roster", d))
		return
	}
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	current, version, err := c.deps.Store.Roster(ctx)
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	// A scoped admin's file is their units' roster: people of other units
	// are neither matched nor removed.
	current = slices.DeleteFunc(current, func(m content.Member) bool { return !content.WithinAny(m.Unit, scope) })
	ch := content.PlanRoster(current, rows, content.SourceImport)
	draft := rosterDraft{File: header.Filename, Rows: len(rows), Change: ch, Version: version, NewUnits: len(current) > 0 && len(ch.NewUnits) > 0}
	if err := c.deps.Store.SaveSession(ctx, a.session.Admin, rosterDraftName, draft, draftTTL); err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	d.Rows, d.Change, d.Lines, d.Confirm = len(rows), &ch, ch.Lines(), draft.NewUnits
	known := content.KnownUnits(current)
	for _, u := range ch.NewUnits {
		d.NewUnits = append(d.NewUnits, [2]string{u, content.NearestUnit(u, known)})
	}
	c.render(w, r, http.StatusOK, "roster-plan", c.page(a, "roster", d))
}

// outsideScope refuses, by line, the rows of units outside a scoped
// admin's units.
func outsideScope(rows []content.RosterRow, scope []string) error {
	errs := &content.RosterError{}
	for _, row := range rows {
		if !content.WithinAny(row.Member.Unit, scope) {
			errs.Lines = append(errs.Lines, content.LineError{Line: row.Line, Key: "roster.outside", Args: []any{row.Member.Unit}})
		}
	}
	if len(errs.Lines) > 0 {
		return errs
	}
	return nil
}

// rosterImportConfirm applies the draft shown, when the roster has not
// changed since it was planned.
func (c *Console) rosterImportConfirm(w http.ResponseWriter, r *http.Request, a admin) {
	ctx := r.Context()
	var draft rosterDraft
	err := c.deps.Store.LoadSession(ctx, a.session.Admin, rosterDraftName, &draft)
	if isNotFound(err) {
		c.refuse(w, r, a.lang, http.StatusConflict, "roster.expired")
		return
	}
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	if draft.NewUnits && r.PostFormValue("new_units") != "1" {
		c.refuse(w, r, a.lang, http.StatusBadRequest, "roster.newunits")
		return
	}
	scope, err := c.deps.Store.Scope(ctx, a.session.Admin)
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	if !changeWithin(draft.Change, scope) {
		c.refuse(w, r, a.lang, http.StatusForbidden, "roster.notyours")
		return
	}
	ch := draft.Change
	if !c.applyRoster(w, r, a, ch, draft.Version) {
		return
	}
	_ = c.deps.Store.DeleteSession(ctx, a.session.Admin, rosterDraftName)
	c.audit(ctx, a, "roster_import", map[string]string{"file": draft.File, "added": fmt.Sprint(len(ch.Added)),
		"changed": fmt.Sprint(len(ch.Changed)), "removed": fmt.Sprint(len(ch.Removed))})
	done(w, r, "/admin/roster", "imported")
}

// changeWithin reports whether every person a change touches, before and
// after, is within scope (the admin's scope may have changed since the
// plan).
func changeWithin(ch content.RosterChange, scope []string) bool {
	for _, row := range ch.Added {
		if !content.WithinAny(row.Member.Unit, scope) {
			return false
		}
	}
	for _, m := range ch.Changed {
		if !content.WithinAny(m.Before.Unit, scope) || !content.WithinAny(m.After.Unit, scope) {
			return false
		}
	}
	for _, m := range ch.Removed {
		if !content.WithinAny(m.Unit, scope) {
			return false
		}
	}
	return true
}

// applyRoster stores a change planned at version; when the roster changed
// meanwhile (another import, an edit, a binding) it refuses with 409 and
// nothing stored, and the admin looks again. It reports whether the change
// was stored.
func (c *Console) applyRoster(w http.ResponseWriter, r *http.Request, a admin, ch content.RosterChange, version int64) bool {
	err := c.deps.Store.ApplyRoster(r.Context(), ch, version)
	switch {
	case err == nil:
		return true
	case errors.Is(err, content.ErrRosterChanged):
		c.refuse(w, r, a.lang, http.StatusConflict, "roster.changed")
	default:
		c.fail(w, r, a.lang, err)
	}
	return false
}

// personData is one person's page: the edit (or add) form, its problems,
// and their bound accounts.
type personData struct {
	Member content.Member
	// New is the add form (no one yet).
	New    bool
	Errors []string
	// Forget asks to confirm removing the person.
	Forget bool
}

// member finds the roster person of the path's id within the admin's
// units; it answers the request itself and returns false when there is
// none (404) or they are outside the admin's units (403).
func (c *Console) member(w http.ResponseWriter, r *http.Request, a admin) (content.Member, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		c.refuse(w, r, a.lang, http.StatusNotFound, "roster.none")
		return content.Member{}, false
	}
	ms, err := c.deps.Store.Members(r.Context(), []int64{id})
	if err != nil {
		c.fail(w, r, a.lang, err)
		return content.Member{}, false
	}
	if len(ms) == 0 {
		c.refuse(w, r, a.lang, http.StatusNotFound, "roster.none")
		return content.Member{}, false
	}
	scope, err := c.deps.Store.Scope(r.Context(), a.session.Admin)
	if err != nil {
		c.fail(w, r, a.lang, err)
		return content.Member{}, false
	}
	if !content.WithinAny(ms[0].Unit, scope) {
		c.refuse(w, r, a.lang, http.StatusForbidden, "roster.notyours")
		return content.Member{}, false
	}
	return ms[0], true
}

func (c *Console) rosterPerson(w http.ResponseWriter, r *http.Request, a admin) {
	if m, ok := c.member(w, r, a); ok {
		c.renderPerson(w, r, a, http.StatusOK, personData{Member: m})
	}
}

func (c *Console) renderPerson(w http.ResponseWriter, r *http.Request, a admin, status int, d personData) {
	p := c.page(a, "roster", d)
	if !d.New {
		p.Title = d.Member.Label()
	}
	c.render(w, r, status, "person", p)
}

func (c *Console) rosterAddForm(w http.ResponseWriter, r *http.Request, a admin) {
	c.renderPerson(w, r, a, http.StatusOK, personData{New: true, Member: content.Member{Unit: r.URL.Query().Get("unit")}})
}

// personForm reads the person form's fields onto m.
func personForm(r *http.Request, m content.Member) content.Member {
	m.Unit = strings.TrimSpace(r.PostFormValue("unit"))
	m.Post = strings.TrimSpace(r.PostFormValue("post"))
	m.Phone = strings.TrimSpace(r.PostFormValue("phone"))
	m.WeComID = strings.TrimSpace(r.PostFormValue("wecom_id"))
	return m
}

// checkPerson checks one person as an import checks a line of a file —
// the same reader, so the same rules — and returns them as read (the unit
// cleaned).
func checkPerson(lang string, m content.Member) (content.Member, []string) {
	var buf bytes.Buffer
	_ = content.WriteRosterCSV(&buf, []content.Member{m}) // a bytes.Buffer takes every write
	rows, err := content.ReadRoster(buf.Bytes())
	var re *content.RosterError
	if errors.As(err, &re) {
		msgs := make([]string, len(re.Lines))
		for i, l := range re.Lines {
			l.Line = 0 // the form is one person: its line in the file means nothing
			msgs[i] = msg.RosterProblem(lang, l)
		}
		return m, msgs
	}
	if err != nil || len(rows) != 1 {
		// A line with nothing in it is skipped, not refused.
		return m, []string{say(lang, "roster.blank")}
	}
	return rows[0].Member, nil
}

// rosterConflicts says what stops a person's new entry from joining the
// roster: someone else of the same unit and name, or the same WeCom
// account (named only as "another person": they may be outside the
// admin's units).
func rosterConflicts(lang string, m content.Member, people []content.Member) []string {
	var out []string
	for _, p := range people {
		switch {
		case p.ID == m.ID:
		case p.Key() == m.Key():
			out = append(out, say(lang, "roster.dup"))
		case m.WeComID != "" && p.WeComID == m.WeComID:
			out = append(out, say(lang, "roster.dupwecom"))
		}
	}
	return out
}

// rosterEdit changes one person's unit, post, phone and WeCom account.
func (c *Console) rosterEdit(w http.ResponseWriter, r *http.Request, a admin) {
	before, ok := c.member(w, r, a)
	if !ok {
		return
	}
	after, problems := checkPerson(a.lang, personForm(r, before))
	after.ID, after.Source, after.Accounts = before.ID, before.Source, before.Accounts
	c.storePerson(w, r, a, personData{Member: after}, problems, func(ch *content.RosterChange) {
		ch.Changed = []content.MemberChange{{Before: before, After: after}}
	})
}

// rosterAdd adds one person to the roster, as a line of an import would.
func (c *Console) rosterAdd(w http.ResponseWriter, r *http.Request, a admin) {
	m := personForm(r, content.Member{Name: strings.TrimSpace(r.PostFormValue("name"))})
	m, problems := checkPerson(a.lang, m)
	c.storePerson(w, r, a, personData{Member: m, New: true}, problems, func(ch *content.RosterChange) {
		ch.Added = []content.RosterRow{{Member: m}}
	})
}

// storePerson stores the change change makes for one person (added or
// edited), unless the form had problems, the new unit is outside the
// admin's units, or the person would clash with another: then it shows
// the form again with the reasons, and nothing is stored.
func (c *Console) storePerson(w http.ResponseWriter, r *http.Request, a admin, d personData, problems []string, change func(*content.RosterChange)) {
	ctx := r.Context()
	scope, err := c.deps.Store.Scope(ctx, a.session.Admin)
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	m := d.Member
	if len(problems) == 0 && !content.WithinAny(m.Unit, scope) {
		problems = append(problems, msg.Say(a.lang, "roster.outside", m.Unit))
	}
	people, version, err := c.deps.Store.Roster(ctx)
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	if len(problems) == 0 {
		problems = rosterConflicts(a.lang, m, people)
	}
	if len(problems) > 0 {
		d.Errors = problems
		c.renderPerson(w, r, a, http.StatusUnprocessableEntity, d)
		return
	}
	var ch content.RosterChange
	change(&ch)
	if !c.applyRoster(w, r, a, ch, version) {
		return
	}
	action, notice := "roster_edit", "saved"
	detail := map[string]string{"member": fmt.Sprint(m.ID), "unit": m.Unit}
	if d.New {
		action, notice, detail = "roster_add", "rosteradded", map[string]string{"name": m.Name, "unit": m.Unit}
	}
	c.audit(ctx, a, action, detail)
	done(w, r, "/admin/roster?unit="+url.QueryEscape(m.Unit), notice)
}

func (c *Console) rosterForgetForm(w http.ResponseWriter, r *http.Request, a admin) {
	if m, ok := c.member(w, r, a); ok {
		c.renderPerson(w, r, a, http.StatusOK, personData{Member: m, Forget: true})
	}
}

// rosterForget removes a person's data, as `tongbao roster forget` does:
// the counts they are part of stay.
func (c *Console) rosterForget(w http.ResponseWriter, r *http.Request, a admin) {
	m, ok := c.member(w, r, a)
	if !ok {
		return
	}
	if err := c.deps.Store.Forget(r.Context(), m); err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	c.audit(r.Context(), a, "roster_forget", map[string]string{"member": fmt.Sprint(m.ID)})
	done(w, r, "/admin/roster?unit="+url.QueryEscape(m.Unit), "forgotten")
}

// rosterDecide approves or refuses a bind request of a person in the
// admin's units, as 批准 N / 拒绝 N do in chat.
func (c *Console) rosterDecide(w http.ResponseWriter, r *http.Request, a admin) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	op := r.PostFormValue("op")
	if err != nil || (op != "approve" && op != "refuse") {
		c.refuse(w, r, a.lang, http.StatusBadRequest, "form.bad")
		return
	}
	scope, err := c.deps.Store.Scope(ctx, a.session.Admin)
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	pending, err := c.scopedRequests(ctx, scope)
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	if !slices.ContainsFunc(pending, func(q content.BindRequest) bool { return q.ID == id }) {
		done(w, r, "/admin/roster", "reqgone")
		return
	}
	req, err := c.deps.Store.TakeBindRequest(ctx, id)
	if isNotFound(err) {
		done(w, r, "/admin/roster", "reqgone")
		return
	}
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	// The request is taken: whatever happens now, its requester is told
	// and the decision audited.
	detail := map[string]string{"request": fmt.Sprint(req.ID), "member": fmt.Sprint(req.MemberID), "subscriber": req.Subscriber}
	refused := content.Notice{Key: "bind.refused", Args: []string{fmt.Sprint(req.ID), req.Unit + " " + req.Name}}
	if op == "refuse" {
		c.decided(ctx, a, req, "roster_refuse", detail, refused)
		done(w, r, "/admin/roster", "reqrefused")
		return
	}
	m, err := c.deps.Store.Bind(ctx, req.MemberID, req.Subscriber)
	switch {
	case errors.Is(err, content.ErrBoundElsewhere):
		detail["refused"] = "bound elsewhere"
		c.decided(ctx, a, req, "roster_refuse", detail, refused)
		done(w, r, "/admin/roster", "reqelsewhere")
		return
	case errors.Is(err, content.ErrCodeUsed), isNotFound(err):
		detail["refused"] = "gone"
		c.decided(ctx, a, req, "roster_refuse", detail, refused)
		done(w, r, "/admin/roster", "reqleft")
		return
	case errors.Is(err, content.ErrRosterChanged):
		// Nothing was bound: the request waits again (under a new
		// number), for this admin or another to decide afresh.
		if _, err := c.deps.Store.RequestBind(ctx, req.Subscriber, content.Member{ID: req.MemberID, Name: req.Name, Unit: req.Unit}, req.At); err != nil {
			c.fail(w, r, a.lang, err)
			return
		}
		c.refuse(w, r, a.lang, http.StatusConflict, "roster.changed")
		return
	case err != nil:
		c.fail(w, r, a.lang, err)
		return
	}
	c.decided(ctx, a, req, "roster_approve", detail, content.Notice{Key: "bind.approved", Args: []string{fmt.Sprint(req.ID), m.Label()}})
	done(w, r, "/admin/roster?unit="+url.QueryEscape(req.Unit), "reqapproved")
}

// decided audits an admin's decision of a bind request and tells its
// requester, once (under the name the chat's 批准 / 拒绝 use, so the two
// never tell them twice). The decision stands when the notice cannot be
// queued; that is logged.
func (c *Console) decided(ctx context.Context, a admin, req content.BindRequest, action string, detail map[string]string, n content.Notice) {
	c.audit(ctx, a, action, detail)
	if c.deps.Notifier == nil {
		return
	}
	if err := c.deps.Notifier.Notify(ctx, req.Subscriber, "bind-"+strconv.FormatInt(req.ID, 10), n); err != nil {
		c.log.Warn("web: could not tell the requester about their bind request", "request", req.ID, "subscriber", req.Subscriber, "err", err)
	}
}

// inviteData is the codes just made, shown once.
type inviteData struct {
	People []content.Member
	Codes  map[int64]string
	Until  time.Time
}

// rosterInvite gives the chosen people of the admin's units new one-time
// codes, as `tongbao roster invite` does, and shows them once: they are
// not stored anywhere the console can show again.
func (c *Console) rosterInvite(w http.ResponseWriter, r *http.Request, a admin) {
	ctx := r.Context()
	var ids []int64
	for _, v := range r.PostForm["member"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			c.refuse(w, r, a.lang, http.StatusBadRequest, "form.bad")
			return
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 || len(ids) > rosterListSize {
		c.refuse(w, r, a.lang, http.StatusBadRequest, "roster.nobody")
		return
	}
	scope, err := c.deps.Store.Scope(ctx, a.session.Admin)
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	people, err := c.deps.Store.Members(ctx, ids)
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	if len(people) != len(ids) || slices.ContainsFunc(people, func(m content.Member) bool { return !content.WithinAny(m.Unit, scope) }) {
		c.refuse(w, r, a.lang, http.StatusForbidden, "roster.notyours")
		return
	}
	now := c.deps.Now()
	codes, err := c.deps.Store.Invite(ctx, ids, inviteTTL, now)
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	c.audit(ctx, a, "roster_invite", map[string]string{"members": joinIDs(ids)})
	d := inviteData{People: people, Codes: codes, Until: now.Add(inviteTTL)}
	c.render(w, r, http.StatusOK, "invite", c.page(a, "roster", d))
}

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

// accountPlatforms are the platforms of a person's bound accounts, in the
// admin's language, each once.
func accountPlatforms(lang string, accounts []string) []string {
	var out []string
	for _, acc := range accounts {
		p, _, _ := strings.Cut(acc, ":")
		p = platformName(lang, p)
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}
