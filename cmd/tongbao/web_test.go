package main

import (
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
	e := newEnv()
	fake := wechattest.NewServer(wechattest.Options{})
	t.Cleanup(fake.Close)
	e["TONGBAO_WECHAT_APPID"] = wechattest.DefaultAppID
	e["TONGBAO_WECHAT_SECRET"] = wechattest.DefaultAppSecret
	e["TONGBAO_WECHAT_TOKEN"] = "wxtoken"
	e["TONGBAO_WECHAT_AESKEY"] = testAESKey
	// Only keeps the test off the network, should an answer miss the
	// passive-reply budget and go out as a customer-service message.
	e["TONGBAO_WECHAT_API"] = fake.URL()
	e.run(t, "ingest", samples+"qingxi-2022-06-08-county-executive.txt")
	s := e.serve(t)
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
