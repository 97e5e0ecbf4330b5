"""Transcription jobs: a request that brings a recording (mp3, m4a, wav, ogg) with a
turnaround that sets its due date, a staff workspace (player, transcript with autosave and a
version check), delivery as a .docx the client downloads in the portal, and billing by audio
minute or by the hours logged, as the client's engagement says."""
