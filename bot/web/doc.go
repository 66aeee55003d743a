// Package web is Tongbao's HTTP side: the reader pages behind personal
// links (/r/<token>, which record the first read; links are checked with
// bot/readlink), public bulletin pages (/b/<id>) and the index, health and
// readiness checks, Prometheus metrics, the token-protected admin API in
// adminapi.go (upload a bulletin, read its stats), and the mount points of
// the platform callbacks (/telegram, /wechat, /wecom), and the admin console
// under /admin/ (console*.go, views in console_*.templ, stylesheet in console/): admins
// sign in with one-time links, then publish, broadcast, remind and look
// after subscribers through the same store, dispatcher and ingest pipeline
// as the chat and the CLI. It reads bulletins
// through the store it is given (the cmd passes one with a
// store.BulletinCache in front) and keeps rendered pages in a bounded
// cache of its own.
package web
