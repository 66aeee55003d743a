package main

import (
	"context"
	"strings"
	"testing"
)

// TestAdminsCommand: the admin role granted in the store takes effect in
// chat, is listed beside the configured admins, and can be withdrawn.
func TestAdminsCommand(t *testing.T) {
	e := newEnv()
	if code, out := e.run(t, "admins"); code != 0 || !strings.Contains(out, "no admins yet") {
		t.Errorf("admins of a new store: %d %s", code, out)
	}
	if code, out := e.run(t, "admins", "add", "tg:77"); code != exitFailure || !strings.Contains(out, "never written to the bot") {
		t.Errorf("adding a stranger: %d %s", code, out)
	}
	if code, _ := e.run(t, "admins", "add", "nobody"); code != exitUsage {
		t.Errorf("adding a malformed id: exit %d", code)
	}
	if _, _, err := e.store(t).Touch(context.Background(), "tg:77", "", "zh", true); err != nil {
		t.Fatal(err)
	}
	if code, out := e.run(t, "ask", "--as", "tg:77", "/stats"); code != 0 || !strings.Contains(out, "只对管理员开放") {
		t.Errorf("/stats before the role: %d %s", code, out)
	}
	if code, out := e.run(t, "admins", "add", "tg:77"); code != 0 || !strings.Contains(out, "tg:77 is now an admin") {
		t.Fatalf("admins add: %d %s", code, out)
	}
	if code, out := e.run(t, "ask", "--as", "tg:77", "/stats"); code != 0 || !strings.Contains(out, "阅读统计") {
		t.Errorf("/stats as an admin: %d %s", code, out)
	}
	e["TONGBAO_ADMINS"] = "tg:5"
	if code, out := e.run(t, "admins"); code != 0 || !strings.Contains(out, "tg:5 (configuration)\ntg:77 (store)\n") {
		t.Errorf("admins: %d %s", code, out)
	}
	if code, out := e.run(t, "admins", "remove", "tg:77"); code != 0 || !strings.Contains(out, "no longer an admin") {
		t.Errorf("admins remove: %d %s", code, out)
	}
	if code, out := e.run(t, "ask", "--as", "tg:77", "/stats"); code != 0 || !strings.Contains(out, "只对管理员开放") {
		t.Errorf("/stats after the role was withdrawn: %d %s", code, out)
	}
}
