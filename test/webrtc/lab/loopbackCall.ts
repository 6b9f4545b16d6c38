/**
 * Page script defining `startCall(onCaller, video?)`: two RTCPeerConnections in one page call
 * each other, both sending fake audio and video (Chromium's fake capture devices, with
 * `--use-fake-device-for-media-stream --use-fake-ui-for-media-stream`) over UDP. `onCaller(a)`
 * runs before the offer, so a monitor started there sees every state change. Resolves with
 * `{ a, b }` once offer and answer are set. The accuracy test and the getStats() bench share it.
 */
export const LOOPBACK_CALL_SCRIPT = `
window.startCall = async (onCaller, video = { width: 320, height: 240 }) => {
  const media = await navigator.mediaDevices.getUserMedia({ audio: true, video });
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
  for (const track of media.getTracks()) {
    a.addTrack(track, media);
    b.addTrack(track.clone(), media);
  }
  onCaller(a);
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription);
  return { a, b };
};`;
