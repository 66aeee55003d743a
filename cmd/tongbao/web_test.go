package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"tongbao/bot/wechat/wechattest"
)

// The end-to-end tests of the HTTP side of `tongbao serve`: the Official
// Account's start-up, the reader pages, the admin API and /metrics.

// An Official Account configured with nothing but its four settings starts
// (no template id: no template fallback, and a warning) and answers a
// signed, encrypted callback.
func TestServeWeChatWithOnlyTheFourSettings(t *testing.T) {
	// The whole environment: no store, secret, public URL or API base
	// (a passive reply calls no WeChat API); the embedded store keeps its
	// data in the test's folder.
	e := testEnv{
		"TONGBAO_WECHAT_APPID":  wechattest.DefaultAppID,
		"TONGBAO_WECHAT_SECRET": wechattest.DefaultAppSecret,
		"TONGBAO_WECHAT_TOKEN":  "wxtoken",
		"TONGBAO_WECHAT_AESKEY": testAESKey,
	}
	data := t.TempDir()
	if code, out := e.run(t, "ingest", "--data", data, samples+"qingxi-2022-06-08-county-executive.txt"); code != 0 {
		t.Fatalf("ingest: %d\n%s", code, out)
	}
	s := e.serve(t, "--data", data)
	if !strings.Contains(s.out.String(), "no template id") {
		t.Errorf("no start-up warning about the missing template id:\n%s", s.out.String())
	}
	client := wechattest.NewOAClient(s.addr+"/wechat", "wxtoken", testAESKey, wechattest.DefaultAppID)
	client.Mode = wechattest.Safe
	if err := client.Verify(); err != nil {
		t.Fatalf("URL verification: %v", err)
	}
	reply, err := client.SendText("oNewcomer", "最新会议", 501)
	if err != nil {
		t.Fatal(err)
	}
	text := reply.Content
	for _, a := range reply.Articles {
		text += a.Title + a.Description + a.URL
	}
	if !reply.Encrypted || !strings.Contains(text, "县政府第十二次常务会议") {
		t.Errorf("reply: %+v", reply)
	}
}

// Template fields without an id are a mistake the user made: refused with
// a message that says what to set.
func TestTemplateFieldsWithoutIDAreRefused(t *testing.T) {
	e := newEnv()
	for k, v := range map[string]string{"TONGBAO_WECHAT_APPID": "wx1", "TONGBAO_WECHAT_SECRET": "s", "TONGBAO_WECHAT_TOKEN": "wxtoken"} {
		e[k] = v
	}
	cfgFile := t.TempDir() + "/tongbao.yaml"
	if err := os.WriteFile(cfgFile, []byte("wechat:\n  template:\n    fields:\n      first: title\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out := e.run(t, "serve", "--config", cfgFile, "--listen", "127.0.0.1:0")
	if code != exitFailure || !strings.Contains(out, "template.fields is set but template.id is empty") || !strings.Contains(out, "TONGBAO_WECHAT_TEMPLATE_ID") {
		t.Errorf("serve with fields and no id: %d\n%s", code, out)
	}
}

// httpGet fetches a URL with an optional Authorization header.
func httpGet(t *testing.T, url, authorization string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// /metrics can leave the public address for one of its own, and can
// require a bearer token; with neither, serve warns that it is open.
func TestServeMetricsGuarded(t *testing.T) {
	t.Run("open, with a warning", func(t *testing.T) {
		s := newEnv().serve(t)
		if code, body := httpGet(t, s.addr+"/metrics", ""); code != 200 || !strings.Contains(body, "go_goroutines") {
			t.Errorf("/metrics: %d", code)
		}
		if !strings.Contains(s.out.String(), "/metrics is open") {
			t.Errorf("no warning about open metrics:\n%s", s.out.String())
		}
	})
	t.Run("token", func(t *testing.T) {
		e := newEnv()
		e["TONGBAO_METRICS_TOKEN"] = "scrape-token"
		s := e.serve(t)
		if code, body := httpGet(t, s.addr+"/metrics", ""); code != 401 || strings.Contains(body, "go_goroutines") {
			t.Errorf("/metrics without the token: %d", code)
		}
		if code, body := httpGet(t, s.addr+"/metrics", "Bearer scrape-token"); code != 200 || !strings.Contains(body, "go_goroutines") {
			t.Errorf("/metrics with the token: %d", code)
		}
		if strings.Contains(s.out.String(), "/metrics is open") || strings.Contains(s.out.String(), "scrape-token") {
			t.Errorf("log warns of open metrics or shows the token:\n%s", s.out.String())
		}
	})
	t.Run("own address", func(t *testing.T) {
		e := newEnv()
		metricsAddr := freeAddr(t)
		cfgFile := t.TempDir() + "/tongbao.yaml"
		if err := os.WriteFile(cfgFile, []byte("metrics:\n  listen: "+metricsAddr+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		s := e.serve(t, "--config", cfgFile)
		if code, _ := httpGet(t, s.addr+"/metrics", ""); code != 404 {
			t.Errorf("/metrics on the main address: %d", code)
		}
		if code, body := httpGet(t, "http://"+metricsAddr+"/metrics", ""); code != 200 || !strings.Contains(body, "go_goroutines") {
			t.Errorf("/metrics on %s: %d", metricsAddr, code)
		}
		if code, _ := httpGet(t, "http://"+metricsAddr+"/r/x", ""); code != 404 {
			t.Errorf("the metrics address serves more than /metrics: %d", code)
		}
		if s.stop() != 0 {
			t.Errorf("serve exited badly:\n%s", s.out.String())
		}
		if _, err := http.Get("http://" + metricsAddr + "/metrics"); err == nil {
			t.Error("the metrics address still answers after serve stopped")
		}
	})
	t.Run("bad address", func(t *testing.T) {
		e := newEnv()
		e["TONGBAO_METRICS_LISTEN"] = "9090"
		if code, out := e.run(t, "serve", "--listen", freeAddr(t)); code != exitFailure || !strings.Contains(out, "metrics.listen") {
			t.Errorf("serve with metrics.listen=9090: %d %s", code, out)
		}
	})
}

// The admin API's stats of an id that names nothing is a 404.
func TestServeAdminStatsUnknownIs404(t *testing.T) {
	e := newEnv()
	e["TONGBAO_ADMIN_TOKEN"] = "admin-token"
	e.run(t, "ingest", samples+"qingxi-2022-06-08-county-executive.txt")
	s := e.serve(t)
	if code, body := httpGet(t, s.addr+"/admin/stats/"+qingxiID, "Bearer admin-token"); code != 200 || !strings.Contains(body, `"bulletin_id":"`+qingxiID+`"`) {
		t.Errorf("stats of a stored bulletin: %d %s", code, body)
	}
	if code, body := httpGet(t, s.addr+"/admin/stats/20000101-deadbeef", "Bearer admin-token"); code != 404 || !strings.Contains(body, "no bulletin") {
		t.Errorf("stats of an unknown id: %d %s", code, body)
	}
}

// The web reader's index at / lists what was ingested, and each entry
// opens without recording a read.
func TestServeReaderIndex(t *testing.T) {
	e := newEnv()
	e.run(t, append([]string{"ingest"}, sampleFiles...)...)
	s := e.serve(t)
	resp, err := http.Get(s.addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Security-Policy") == "" {
		t.Fatalf("index: %d %v", resp.StatusCode, resp.Header)
	}
	for _, want := range []string{`href="b/` + qingxiID + `"`, `href="b/` + lanxiID + `"`, `href="b/` + noticeID + `"`, "2022年6月8日 · 会议"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("index lacks %s:\n%s", want, body)
		}
	}
	if code, page := httpGet(t, s.addr+"/b/"+noticeID, ""); code != 200 || !strings.Contains(page, `class="sign first"`) {
		t.Errorf("notice page: %d\n%s", code, page)
	}
	if st, err := e.store(t).Stats(context.Background(), noticeID); err != nil || len(st.Via) != 0 {
		t.Errorf("browsing recorded reads: %+v %v", st, err)
	}
}
