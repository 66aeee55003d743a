// Package ingest is the one way a bulletin comes in — `tongbao ingest`,
// the admin upload, the source poller and the demo's samples all use it:
// parse the input, drop exact and near duplicates of what is stored, save
// it, and queue the fan-out to its subscribers when it is recent. A copy
// of a bulletin whose fan-out an earlier run never finished is pushed
// again (the fan-out skips whoever already has it). A bulletin published
// before the push cut-off (an archive being imported) is stored and
// searchable but pushed to nobody.
package ingest
