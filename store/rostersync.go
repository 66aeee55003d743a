package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"tongbao/content"
)

// DirectoryResult is what a WeCom directory sync did.
type DirectoryResult struct {
	Change content.RosterChange
	// Bound counts WeCom accounts newly bound to their members, Unbound
	// the WeCom accounts that the directory no longer lists.
	Bound, Unbound int
	// Conflicts are WeCom accounts bound to another member (by a code or an
	// admin), left as they are.
	Conflicts []string
}

// SyncDirectory brings the roster in line with the WeCom directory
// (members from wechat.WeCom.Directory): directory members are added,
// updated and moved like imported rows (matched first by their WeCom
// account), members the directory brought and no longer lists leave, and
// each listed member's WeCom account (wecom:USERID) is bound to them with
// no action of theirs. With dryRun it only plans.
func (s *Store) SyncDirectory(ctx context.Context, members []content.Member, dryRun bool) (DirectoryResult, error) {
	var res DirectoryResult
	current, version, err := s.Roster(ctx)
	if err != nil {
		return res, err
	}
	rows := make([]content.RosterRow, len(members))
	listed := make(map[string]bool, len(members))
	for i, m := range members {
		m.Source = content.SourceWeCom
		rows[i] = content.RosterRow{Member: m}
		listed[m.WeComID] = true
	}
	res.Change = content.PlanRoster(current, rows, content.SourceWeCom)
	if dryRun {
		return res, nil
	}
	if err := s.ApplyRoster(ctx, res.Change, version); err != nil {
		return res, err
	}
	after, _, err := s.Roster(ctx)
	if err != nil {
		return res, err
	}
	for _, m := range after {
		for _, a := range m.Accounts {
			if uid, ok := strings.CutPrefix(a, "wecom:"); ok && !listed[uid] {
				if _, err := s.Unbind(ctx, a); err != nil && !errors.Is(err, ErrNotFound) {
					return res, err
				}
				res.Unbound++
			}
		}
		if m.WeComID == "" || !listed[m.WeComID] {
			continue
		}
		acc := "wecom:" + m.WeComID
		if slices.Contains(m.Accounts, acc) {
			continue
		}
		if _, _, err := s.Touch(ctx, acc, m.Name, "zh", false); err != nil {
			return res, err
		}
		_, err := s.Bind(ctx, m.ID, acc)
		switch {
		case errors.Is(err, content.ErrBoundElsewhere):
			res.Conflicts = append(res.Conflicts, acc)
		case err != nil:
			return res, fmt.Errorf("store: sync directory: %w", err)
		default:
			res.Bound++
		}
	}
	return res, nil
}
