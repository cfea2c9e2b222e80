// y-webrtc imports simple-peer's prebuilt bundle; we patch that same module's prototype.
declare module 'simple-peer/simplepeer.min.js' {
  const Peer: { prototype: Record<string, unknown> };
  export default Peer;
}
