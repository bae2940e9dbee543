#!/usr/bin/env python3
"""Test images for the e2e scripts, as OCI image layouts, without any container tool.

  oci-image.py layer OUT.tgz BYTES          a gzip tar layer holding /payload-<random>.bin of BYTES
                                            random bytes (reproducible tar: owner 0, mtime 0)
  oci-image.py image DIR TAG LAYER.tgz...   an OCI layout in DIR whose image (tag TAG) has these
                                            layers in order, its config naming their diff ids;
                                            prints the manifest's digest (sha256:<hex>)
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile


def sha(data):
    return hashlib.sha256(data).hexdigest()


def layer(out, size):
    payload = os.urandom(size)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo(f"payload-{sha(payload)[:12]}.bin")
        info.size, info.mode, info.mtime = size, 0o644, 0
        tar.addfile(info, io.BytesIO(payload))
    with open(out, "wb") as f:
        f.write(gzip.compress(buffer.getvalue(), mtime=0))


def write_blob(blobs, data):
    digest = sha(data)
    with open(os.path.join(blobs, digest), "wb") as f:
        f.write(data)
    return digest


def image(directory, tag, layers):
    blobs = os.path.join(directory, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)
    descriptors, diff_ids = [], []
    for path in layers:
        data = open(path, "rb").read()
        descriptors.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + write_blob(blobs, data),
                            "size": len(data)})
        diff_ids.append("sha256:" + sha(gzip.decompress(data)))
    config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Labels": {"e2e": os.path.basename(directory)}},
                         "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + write_blob(blobs, config),
                                      "size": len(config)},
                           "layers": descriptors}).encode()
    digest = write_blob(blobs, manifest)
    with open(os.path.join(directory, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:" + digest,
                                                      "size": len(manifest), "annotations": {"org.opencontainers.image.ref.name": tag}}]}, f)
    with open(os.path.join(directory, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    print("sha256:" + digest)


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "layer":
        layer(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) >= 5 and sys.argv[1] == "image":
        image(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        sys.exit(__doc__)
