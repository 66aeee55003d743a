package wechat

import (
	"strings"
	"testing"
	"time"
)

func TestOAConfigValidate(t *testing.T) {
	good := OAConfig{AppID: "wx1", AppSecret: "s", Token: "tok123", EncodingAESKey: testAESKey}
	cases := map[string]struct {
		edit func(*OAConfig)
		want string // "" means valid
	}{
		"good":               {func(*OAConfig) {}, ""},
		"plain mode only":    {func(c *OAConfig) { c.EncodingAESKey = "" }, ""},
		"no app id":          {func(c *OAConfig) { c.AppID = "" }, "app_id is empty: set it in the config or with TONGBAO_WECHAT_APPID"},
		"no secret":          {func(c *OAConfig) { c.AppSecret = " " }, "TONGBAO_WECHAT_SECRET"},
		"no token":           {func(c *OAConfig) { c.Token = "" }, "token is empty"},
		"short token":        {func(c *OAConfig) { c.Token = "ab" }, "token must be 3–32"},
		"token punctuation":  {func(c *OAConfig) { c.Token = "tok-123" }, "letters and digits only"},
		"short aes key":      {func(c *OAConfig) { c.EncodingAESKey = "abc" }, "encoding_aes_key (TONGBAO_WECHAT_AESKEY): want the 43 characters"},
		"bad aes key":        {func(c *OAConfig) { c.EncodingAESKey = strings.Repeat("!", 43) }, "not the base64"},
		"bad api base":       {func(c *OAConfig) { c.APIBase = "api.weixin.qq.com" }, "api_base"},
		"budget too long":    {func(c *OAConfig) { c.ReplyBudget = 5 * time.Second }, "reply_budget"},
		"template id alone":  {func(c *OAConfig) { c.Template.ID = "t" }, ""},
		"no template at all": {func(c *OAConfig) { c.Template = TemplateConfig{MaxRunes: 20} }, ""},
		"template no id":     {func(c *OAConfig) { c.Template.Fields = map[string]string{"first": "title"} }, "template.id is empty"},
		"template bad src": {func(c *OAConfig) {
			c.Template = TemplateConfig{ID: "t", Fields: map[string]string{"keyword1": "date"}}
		}, `template.fields.keyword1 = "date"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := good
			tc.edit(&c)
			checkValidate(t, c.Validate(), tc.want)
		})
	}
}

func TestWeComConfigValidate(t *testing.T) {
	good := WeComConfig{CorpID: "ww1", AgentID: 1000002, Secret: "s", Token: "tok123", EncodingAESKey: testAESKey}
	cases := map[string]struct {
		edit func(*WeComConfig)
		want string
	}{
		"good":        {func(*WeComConfig) {}, ""},
		"no corp id":  {func(c *WeComConfig) { c.CorpID = "" }, "TONGBAO_WECOM_CORPID"},
		"no agent id": {func(c *WeComConfig) { c.AgentID = 0 }, "agent_id"},
		"no aes key":  {func(c *WeComConfig) { c.EncodingAESKey = "" }, "encoding_aes_key is empty"},
		"bad aes key": {func(c *WeComConfig) { c.EncodingAESKey = "x" }, "TONGBAO_WECOM_AESKEY"},
		"bad base":    {func(c *WeComConfig) { c.APIBase = "ftp://x" }, "TONGBAO_WECOM_API"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := good
			tc.edit(&c)
			checkValidate(t, c.Validate(), tc.want)
		})
	}
}

func checkValidate(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("Validate: %v", err)
	case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Errorf("Validate = %v, want an error with %q", err, want)
	}
}
