package store

import (
	"strconv"
	"strings"
	"tongbao/content"
)

// keys builds every key name the store uses; no other code spells one.
// Each starts with the store's prefix (p, "tb:" by default). The families:
//
//	b:ID                  a bulletin's body (JSON)
//	s:ID                  a subscriber's record (hash)
//	h:DENSE               a subscriber's read history
//	{cat}:…               the catalog: timeline (tl), kind:K, tag:T, f:FACET,
//	                      search postings ix:TERM, fingerprints fp:HASH,
//	                      LSH bands lsh:BAND, aliases alias:ID, the lexicon
//	                      (lex), announcements, the store order (seq)
//	{sub}:…               subscriber indexes: who wants what (all, kind:K,
//	                      topic:T, kw:WORD, kws), status:S, platform:P, unit:U,
//	                      units, digest, admins, the dense-id maps (seq, idx,
//	                      dense), segment bitmaps (pbm:P, ubm:U), scratch tmp:…,
//	                      the search index (sx, sord, ng:GRAM, nb:GRAM — see
//	                      subsearch.go)
//	{b:ID}:PART           one bulletin's delivery state: dlv and read bitmaps,
//	                      stats, enq (who was enqueued), remind, lease:DENSE;
//	                      for roster bulletins ros (who was meant, by unit)
//	                      and rrem (members reminded)
//	{q:PLATFORM}:PART     one platform's delivery queue: stream, delayed, dead
//	{rl:SCOPE}:NAME       rate limits and send slots of one scope (a platform,
//	                      a chat's sender, a WeCom member): GCRA counters, pauses
//	{ros}:…               the roster: members (m), who left (gone), unit and
//	                      post indexes (u:UNIT, t:POST, units), bindings (acc,
//	                      ma, hist), codes (codes, mcode), bind requests (req,
//	                      reqseq), admins' units (scope), bulletins sent by
//	                      roster (sent), seq, ver — see roster.go
//	alive:CONSUMER        a queue consumer's heartbeat
//	lease:NAME            a named lease (pollers, schedulers, fan-out)
//	jobs:KIND             unfinished jobs of a kind
//	sched:NAME            a named schedule
//	sess:SUBSCRIBER:NAME  a conversation state
//	once:KEY              a platform retry already seen
//	audit                 the admin audit log (stream)
//	source:NAME:PART      a source poller's status and handed-over items
//	secret                the read-link secret
//	tok:NAME              a platform access token shared by every replica
//	schema                the stored data's schema version (schema.go)
//	console:…             the admin console: one-time sign-in links link:HASH,
//	                      sessions sess:HASH and their index (sessions),
//	                      broadcasts awaiting approval (approvals)
//
// Keys that one command (a MULTI, a Lua script, ZINTERSTORE, SUNIONSTORE)
// touches together share a hash tag — {cat}, {sub}, {b:ID}, {q:PLATFORM},
// {rl:SCOPE}, {ros} — so the same code runs on Redis Cluster. The others stand
// alone and spread across the cluster.
type keys struct{ p string }

func (k keys) bulletin(id string) string          { return k.p + "b:" + id }
func (k keys) subscriber(id string) string        { return k.p + "s:" + id }
func (k keys) history(dense int64) string         { return k.p + "h:" + strconv.FormatInt(dense, 10) }
func (k keys) cat(parts ...string) string         { return k.p + "{cat}:" + strings.Join(parts, ":") }
func (k keys) subs(parts ...string) string        { return k.p + "{sub}:" + strings.Join(parts, ":") }
func (k keys) byStatus(st content.Status) string  { return k.subs("status", string(st)) }
func (k keys) perBulletin(id, part string) string { return k.p + "{b:" + id + "}:" + part }
func (k keys) queue(platform, part string) string { return k.p + "{q:" + platform + "}:" + part }
func (k keys) rate(scope, name string) string     { return k.p + "{rl:" + scope + "}:" + name }
func (k keys) roster(parts ...string) string      { return k.p + "{ros}:" + strings.Join(parts, ":") }
func (k keys) alive(consumer string) string       { return k.p + "alive:" + consumer }
func (k keys) lease(name string) string           { return k.p + "lease:" + name }
func (k keys) jobs(kind string) string            { return k.p + "jobs:" + kind }
func (k keys) schedule(name string) string        { return k.p + "sched:" + name }
func (k keys) session(sub, name string) string    { return k.p + "sess:" + sub + ":" + name }
func (k keys) once(key string) string             { return k.p + "once:" + key }
func (k keys) audit() string                      { return k.p + "audit" }
func (k keys) source(name, part string) string    { return k.p + "source:" + name + ":" + part }
func (k keys) secret() string                     { return k.p + "secret" }
func (k keys) token(name string) string           { return k.p + "tok:" + name }
func (k keys) schema() string                     { return k.p + "schema" }
func (k keys) console(parts ...string) string     { return k.p + "console:" + strings.Join(parts, ":") }
