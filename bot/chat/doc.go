// Package chat is the contract between the conversation and the messaging
// platforms: who wrote (Platform, subscriber ids, Incoming), what is sent
// back (Reply and its blocks, buttons and cards, written without any
// platform's markup), and how a platform delivers it (Sender, with its
// refusals classified as SendError). The adapters, the dispatcher and the
// web pages import this package and not the conversation itself.
package chat
