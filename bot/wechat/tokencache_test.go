package wechat

import (
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/cache"

	"tongbao/bot/wechat/wechattest"
)

func TestTokenCache(t *testing.T) {
	f := newFixture(t, wechattest.Options{}, nil)
	var c cache.Cache = NewTokenCache(f.st)
	if v := c.Get("tok"); v != nil {
		t.Fatalf("Get of a missing key = %v", v)
	}
	if c.IsExist("tok") {
		t.Fatal("IsExist of a missing key")
	}
	if err := c.Set("tok", "abc", time.Minute); err != nil {
		t.Fatal(err)
	}
	if v, ok := c.Get("tok").(string); !ok || v != "abc" {
		t.Errorf("Get = %#v, want \"abc\"", c.Get("tok"))
	}
	if !c.IsExist("tok") {
		t.Error("IsExist after Set")
	}
	if err := c.Set("n", 42, 0); err != nil {
		t.Fatal(err)
	}
	if v := c.Get("n"); v != "42" {
		t.Errorf("Get of a number = %#v, want \"42\"", v)
	}
	if err := c.Delete("tok"); err != nil {
		t.Fatal(err)
	}
	if c.IsExist("tok") || c.Get("tok") != nil {
		t.Error("key survives Delete")
	}
	if err := c.Delete("tok"); err != nil {
		t.Errorf("Delete of a missing key: %v", err)
	}
	if err := c.Set("x", "y", -time.Second); err == nil {
		t.Error("negative timeout accepted")
	}
}
