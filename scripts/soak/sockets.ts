/**
 * Client sockets by the port they connect to, from Node's `net.client.socket` diagnostics channel (undici,
 * global fetch and node:http all open theirs through `net`). Counting by port tells one client's sockets from
 * another's, and from the fakes' own (server-side) sockets.
 */
import * as DiagnosticsChannel from "node:diagnostics_channel"
import type * as Net from "node:net"

export const track = () => {
  const open = new Set<Net.Socket>()
  const onSocket = (message: unknown) => {
    const socket = (message as { readonly socket: Net.Socket }).socket
    open.add(socket)
    socket.once("close", () => open.delete(socket))
  }
  DiagnosticsChannel.subscribe("net.client.socket", onSocket)
  return {
    openTo: (port: number): number => [...open].filter((s) => s.remotePort === port).length,
    stop: () => DiagnosticsChannel.unsubscribe("net.client.socket", onSocket)
  }
}
