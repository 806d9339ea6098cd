/**
 * The images the deployment pulls on the Docker host, each pulled once however many containers
 * run it, and kept when the stack is destroyed (another deployment may use them). Addressed
 * `<id>-<key>` (with the id "image": docker_image.image-api, docker_image.image-postgres, ...).
 */
import { Image } from "@cdktf/provider-docker/lib/image";
import { Construct } from "constructs";
import { addressOf, setAddress } from "../addresses";

export class DockerImages extends Construct {
  private readonly images = new Map<string, { readonly name: string; readonly image: Image }>();

  /** The image id of `name` (repository:tag), pulled under `key`. */
  pull(key: string, name: string): string {
    const pulled = this.images.get(key);
    if (pulled && pulled.name !== name) throw new Error(`Image key ${key} is already used for ${pulled.name}, not ${name}`);
    if (pulled) return pulled.image.imageId;
    const image = setAddress(new Image(this, key, { name, keepLocally: true }), addressOf(this, { suffix: key }));
    this.images.set(key, { name, image });
    return image.imageId;
  }
}
