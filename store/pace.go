package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/content"
)

// Send slots pace one account's messages (a Telegram bot's) across every
// replica: a slot is reserved at a time on the account's schedule (GCRA
// over its rates) and the chat's, so concurrent senders get distinct times
// and none has to ask twice. A pause (after the platform answered "too
// many requests") holds back the whole account or one chat until it ends.

// reserveScript reserves a send slot. KEYS: the account's pause, the
// chat's pause, then one counter per rate (the account's first, nbot of
// them, then the chat's). ARGV: now (ms), horizon (ms), nbot, then per
// rate its interval (ms) and burst. Returns {state, ms}: state 1 reserved
// (send in ms), 0 the account is busy, 2 the chat is busy (ask again in
// ms; nothing counted).
var reserveScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local horizon = tonumber(ARGV[2])
local nbot = tonumber(ARGV[3])
local botAt = math.max(now, tonumber(redis.call('GET', KEYS[1]) or 0))
local chatAt = math.max(now, tonumber(redis.call('GET', KEYS[2]) or 0))
local tats = {}
for i = 3, #KEYS do
  local interval = tonumber(ARGV[2*i-2])
  local burst = tonumber(ARGV[2*i-1])
  local tat = math.max(now, tonumber(redis.call('GET', KEYS[i]) or now))
  local at = tat - (burst - 1) * interval
  if i - 2 <= nbot then botAt = math.max(botAt, at) else chatAt = math.max(chatAt, at) end
  tats[i] = tat
end
if chatAt > botAt then return {2, chatAt - now} end
if botAt - now > horizon then return {0, botAt - now - horizon} end
for i = 3, #KEYS do
  local tat = math.max(tats[i], botAt) + tonumber(ARGV[2*i-2])
  redis.call('SET', KEYS[i], string.format('%d', tat), 'PX', string.format('%d', (tat - now) / 1000 + 1000))
end
return {1, botAt - now}`)

func (s *Store) slotKey(scope, name string) string {
	return s.k.rate(scope, name)
}

func (s *Store) pauseKey(scope, chat string) string {
	if chat == "" {
		return s.slotKey(scope, "pause")
	}
	return s.slotKey(scope, "pause:chat:"+chat)
}

// ReserveSlot reserves the next send slot of an account (scope, e.g.
// "telegram") for one message to chat, under the account's rates and the
// chat's, counted in Redis so every replica shares them. The slot is taken
// only when the chat is free by the account's next slot and that slot is
// at most horizon away: a sender that may wait less (a push behind
// replies) asks with a shorter horizon, so the longer-horizon sender gets
// the account first. Pauses (PauseSlots) hold the slot back.
func (s *Store) ReserveSlot(ctx context.Context, scope, chat string, botRates, chatRates []content.Rate, horizon time.Duration, now time.Time) (content.Slot, error) {
	keys := []string{s.pauseKey(scope, ""), s.pauseKey(scope, chat)}
	args := []any{now.UnixMicro(), horizon.Microseconds(), len(botRates)}
	for _, r := range append(append([]content.Rate(nil), botRates...), chatRates...) {
		keys = append(keys, s.slotKey(scope, r.Key))
		args = append(args, max(r.Interval.Microseconds(), 1), max(r.Burst, 1))
	}
	res, err := reserveScript.Run(ctx, s.rdb, keys, args...).Int64Slice()
	if err != nil || len(res) != 2 {
		return content.Slot{}, fmt.Errorf("store: reserve a send slot on %s: %w", scope, err)
	}
	return content.Slot{Reserved: res[0] == 1, ChatBusy: res[0] == 2, Wait: time.Duration(res[1]) * time.Microsecond}, nil
}

// pauseScript sets a pause unless a longer one runs. KEYS: the pause.
// ARGV: until (µs), its time to live (ms).
var pauseScript = redis.NewScript(`
if tonumber(redis.call('GET', KEYS[1]) or 0) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1`)

// PauseSlots holds back every slot of the account (chat "") or of one
// chat until until, on every replica.
func (s *Store) PauseSlots(ctx context.Context, scope, chat string, until time.Time) error {
	ttl := max(time.Until(until).Milliseconds(), 1) + 1000
	if err := pauseScript.Run(ctx, s.rdb, []string{s.pauseKey(scope, chat)}, until.UnixMicro(), ttl).Err(); err != nil {
		return fmt.Errorf("store: pause sends on %s: %w", scope, err)
	}
	return nil
}

// SlotsPausedUntil is when the pauses of the account and of the chat end
// (the zero time when none runs): a sender checks it before using a slot
// it reserved earlier.
func (s *Store) SlotsPausedUntil(ctx context.Context, scope, chat string) (time.Time, error) {
	vals, err := s.rdb.MGet(ctx, s.pauseKey(scope, ""), s.pauseKey(scope, chat)).Result()
	if err != nil {
		return time.Time{}, fmt.Errorf("store: read pauses on %s: %w", scope, err)
	}
	var until int64
	for _, v := range vals {
		if str, ok := v.(string); ok {
			if us, err := strconv.ParseInt(str, 10, 64); err == nil && us > until {
				until = us
			}
		}
	}
	if until == 0 {
		return time.Time{}, nil
	}
	return time.UnixMicro(until), nil
}
