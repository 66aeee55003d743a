package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"tongbao/content"
)

func TestAnnouncementsJobsSchedules(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := &content.Bulletin{ID: "a-20261128-1", Kind: content.KindAnnouncement, Title: "停电通知", Summary: "明天停电", Paragraphs: []string{"明天停电"}, PublishedAt: time.Now()}
		if err := s.SaveAnnouncement(ctx, a); err != nil {
			t.Fatal(err)
		}
		got, err := s.Bulletin(ctx, a.ID)
		if err != nil || got.Title != "停电通知" {
			t.Errorf("announcement = %+v, %v", got, err)
		}
		if _, total, _ := s.Timeline(ctx, content.Filter{}, 0, 10); total != 0 {
			t.Errorf("announcement in the timeline (%d)", total)
		}
		if err := s.AddJob(ctx, "fanout", "b1"); err != nil {
			t.Fatal(err)
		}
		if jobs, _ := s.Jobs(ctx, "fanout"); len(jobs) != 1 || jobs[0] != "b1" {
			t.Errorf("jobs = %v", jobs)
		}
		s.RemoveJob(ctx, "fanout", "b1")
		if jobs, _ := s.Jobs(ctx, "fanout"); len(jobs) != 0 {
			t.Errorf("jobs after remove = %v", jobs)
		}
		now := time.Now()
		s.Schedule(ctx, "remind", "b1", now.Add(-time.Minute))
		s.Schedule(ctx, "remind", "b2", now.Add(time.Hour))
		if due, err := s.PopDue(ctx, "remind", now); err != nil || len(due) != 1 || due[0] != "b1" {
			t.Errorf("due = %v, %v", due, err)
		}
		if due, _ := s.PopDue(ctx, "remind", now); len(due) != 0 {
			t.Errorf("popped twice: %v", due)
		}
		if _, err := s.Bulletin(ctx, "a-none"); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing: %v", err)
		}
	})
}
