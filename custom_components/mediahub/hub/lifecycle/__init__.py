"""A download's life, from the grab to ready to watch in Plex, told in the order it is lived.

qBittorrent is the record every MediaHub process shares: what MediaHub knows of a download is
written there as tags, and each step's claim as a category. `tags` defines every one of those
names, once, with the functions that write and read them. docs/pipeline.md tells the protocol
and what a crash at each step leaves behind.

Before qBittorrent has it (this process alone):

1. The grab: `downloads.Downloads` (what both hosts call: grabs, controls, the poll). The
   torrent comes from a search result, a magnet or a URL (`sources`, `torrentfile`), is judged
   by the file guard's first half (`guard.checked`) and kept, with the record of its grab,
   in the torrents store (`store`).
2. The outbox (`outbox`): the grab waits there, durably, until qBittorrent takes it, with the
   tags `mediahub` and `mediahub:via:<origin>`; stage `queued`, or `refused`.

Once qBittorrent has it, each poll hands qBittorrent's changes to `life.Lifecycle.advance`,
which reads every changed download's stage from its tags and progress (`pipeline`: the stages,
the one transition table, one event per stage entered) and then runs the steps due, in order:

3. The file guard (`guard`): once a magnet's metadata is in, its files are checked; junk is
   skipped, a dangerous or useless torrent refused (removed before a byte is written).
4. Organizing for Plex (`organize`): once its file list is final, its files are renamed inside
   qBittorrent to Plex's names (`mediahub:organized`); completion waits for it.
5. The scan (`scan`, sent by `scanner`): after completion, a partial Plex scan of exactly its
   folder (`mediahub:scan-sent`, or `mediahub:no-library`).
6. Confirmed in Plex (`confirm`): Plex lists it (`mediahub:in-plex:<key>`, stage `available`),
   or has not in the time allowed (`mediahub:not-in-plex`).
7. Stalls (`stalls`): no source and no progress for a while. A stalled grab, like one the guard
   refused, is dead: announced (`dead`) to grab_best, which replaces it.

Steps 3 to 5 act on the world, so each is claimed first (`claims`) and done by one process.
What the hosts show of every download is rebuilt from the same record (`views`).
"""
