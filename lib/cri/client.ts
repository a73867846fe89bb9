// A CRI v1 client (runtime and image services) over a unix socket, as the kubelet speaks to its
// container runtime: one gRPC channel, one method per RPC the kubelet uses, each with a deadline.
// The schema is the proto of k8s.io/cri-api kept by the build (see schema-files.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { loadSync, type MethodDefinition, type PackageDefinition } from '@grpc/proto-loader';
import { CriError } from './errors.js';
import { CRI_BUILD_HINT, CRI_PROTO_PATH, DEFAULT_CRI_SCHEMA_DIR } from './schema-files.js';
import type {
  AttachRequest,
  AuthConfig,
  Container,
  ContainerConfig,
  ContainerFilter,
  ContainerStatusResponse,
  ExecRequest,
  ExecSyncResponse,
  Image,
  ImageFsInfoResponse,
  ImageSpec,
  PodSandbox,
  PodSandboxConfig,
  PodSandboxFilter,
  PodSandboxStatusResponse,
  RuntimeStatus,
  VersionResponse,
} from './types.js';

const RUNTIME = 'runtime.v1.RuntimeService';
const IMAGES = 'runtime.v1.ImageService';

const definitions = new Map<string, PackageDefinition>();

function loadDefinition(schemaDir: string): PackageDefinition {
  let definition = definitions.get(schemaDir);
  if (!definition) {
    const proto = join(schemaDir, CRI_PROTO_PATH);
    if (!existsSync(proto)) throw new Error(`the CRI schema is missing (${proto}); ${CRI_BUILD_HINT}`);
    definition = loadSync(proto, { keepCase: false, longs: Number, enums: String, defaults: true, arrays: true, objects: true, oneofs: true });
    definitions.set(schemaDir, definition);
  }
  return definition;
}

export interface CriClientOptions {
  /** Where the CRI proto is kept (default: dist/cri). */
  schemaDir?: string;
  /** Deadline of each call but image pulls and exec (default 2 min, the kubelet's runtime-request-timeout). */
  requestTimeoutMs?: number;
  /** Deadline of an image pull (default 15 min). */
  pullTimeoutMs?: number;
}

export class CriClient {
  readonly endpoint: string;
  private readonly client: Client;
  private readonly definition: PackageDefinition;
  private readonly requestTimeoutMs: number;
  private readonly pullTimeoutMs: number;

  /** `socket` is the runtime's unix socket path (containerd: <state>/containerd.sock). */
  constructor(socket: string, options: CriClientOptions = {}) {
    this.definition = loadDefinition(options.schemaDir ?? DEFAULT_CRI_SCHEMA_DIR);
    this.endpoint = `unix://${socket}`;
    this.client = new Client(this.endpoint, credentials.createInsecure(), {
      'grpc.max_receive_message_length': 16 * 1024 * 1024,
      'grpc.max_send_message_length': 16 * 1024 * 1024,
    });
    this.requestTimeoutMs = options.requestTimeoutMs ?? 120_000;
    this.pullTimeoutMs = options.pullTimeoutMs ?? 900_000;
  }

  close(): void {
    this.client.close();
  }

  private call<Req extends object, Res>(service: string, method: string, request: Req, timeoutMs = this.requestTimeoutMs): Promise<Res> {
    const serviceDefinition = this.definition[service] as unknown as Record<string, MethodDefinition<Req, Res>>;
    const rpc = serviceDefinition[method]!;
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(rpc.path, rpc.requestSerialize, rpc.responseDeserialize, request, new Metadata(), { deadline: Date.now() + timeoutMs }, (error: ServiceError | null, response?: Res) => {
        if (error) reject(CriError.from(method, error));
        else resolve(response!);
      });
    });
  }

  // --- runtime service

  version(): Promise<VersionResponse> {
    return this.call(RUNTIME, 'Version', { version: 'v1' });
  }

  /** The runtime's conditions (RuntimeReady, NetworkReady). */
  async status(): Promise<RuntimeStatus> {
    const response = await this.call<object, { status: RuntimeStatus | null }>(RUNTIME, 'Status', {});
    return response.status ?? { conditions: [] };
  }

  /** Tells the runtime the node's pod CIDR (containerd uses it in a CNI config template). */
  async updateRuntimeConfig(podCidr: string): Promise<void> {
    await this.call(RUNTIME, 'UpdateRuntimeConfig', { runtimeConfig: { networkConfig: { podCidr } } });
  }

  /** Creates and starts a pod sandbox (network included); resolves to its id. */
  async runPodSandbox(config: PodSandboxConfig, runtimeHandler = ''): Promise<string> {
    const response = await this.call<object, { podSandboxId: string }>(RUNTIME, 'RunPodSandbox', { config, runtimeHandler });
    return response.podSandboxId;
  }

  /** Stops the sandbox's containers and releases its network; idempotent. */
  async stopPodSandbox(podSandboxId: string): Promise<void> {
    await this.call(RUNTIME, 'StopPodSandbox', { podSandboxId });
  }

  /** Removes the sandbox and its containers; idempotent. */
  async removePodSandbox(podSandboxId: string): Promise<void> {
    await this.call(RUNTIME, 'RemovePodSandbox', { podSandboxId });
  }

  podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatusResponse> {
    return this.call(RUNTIME, 'PodSandboxStatus', { podSandboxId });
  }

  async listPodSandbox(filter: PodSandboxFilter = {}): Promise<PodSandbox[]> {
    const response = await this.call<object, { items: PodSandbox[] }>(RUNTIME, 'ListPodSandbox', { filter });
    return response.items;
  }

  /** Creates a container in a sandbox (not started); resolves to its id. */
  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const response = await this.call<object, { containerId: string }>(RUNTIME, 'CreateContainer', { podSandboxId, config, sandboxConfig });
    return response.containerId;
  }

  async startContainer(containerId: string): Promise<void> {
    await this.call(RUNTIME, 'StartContainer', { containerId });
  }

  /** Sends the stop signal, then SIGKILL after `timeoutSeconds`; resolves once it has exited. */
  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    await this.call(RUNTIME, 'StopContainer', { containerId, timeout: timeoutSeconds }, this.requestTimeoutMs + timeoutSeconds * 1000);
  }

  async removeContainer(containerId: string): Promise<void> {
    await this.call(RUNTIME, 'RemoveContainer', { containerId });
  }

  async listContainers(filter: ContainerFilter = {}): Promise<Container[]> {
    const response = await this.call<object, { containers: Container[] }>(RUNTIME, 'ListContainers', { filter });
    return response.containers;
  }

  containerStatus(containerId: string): Promise<ContainerStatusResponse> {
    return this.call(RUNTIME, 'ContainerStatus', { containerId });
  }

  /** Runs `cmd` in the container and waits for it (0 = no timeout), as exec probes do. */
  execSync(containerId: string, cmd: string[], timeoutSeconds = 0): Promise<ExecSyncResponse> {
    const deadline = timeoutSeconds > 0 ? this.requestTimeoutMs + timeoutSeconds * 1000 : 24 * 3600_000;
    return this.call(RUNTIME, 'ExecSync', { containerId, cmd, timeout: timeoutSeconds }, deadline);
  }

  /** The URL of the runtime's streaming server that serves this exec. */
  async exec(request: ExecRequest): Promise<string> {
    return (await this.call<ExecRequest, { url: string }>(RUNTIME, 'Exec', request)).url;
  }

  async attach(request: AttachRequest): Promise<string> {
    return (await this.call<AttachRequest, { url: string }>(RUNTIME, 'Attach', request)).url;
  }

  async portForward(podSandboxId: string, ports: number[]): Promise<string> {
    return (await this.call<object, { url: string }>(RUNTIME, 'PortForward', { podSandboxId, port: ports })).url;
  }

  /** Asks the runtime to reopen the container's log file (after the kubelet rotated it). */
  async reopenContainerLog(containerId: string): Promise<void> {
    await this.call(RUNTIME, 'ReopenContainerLog', { containerId });
  }

  // --- image service

  /** Pulls the image; resolves to the image's id on the node (the imageRef). */
  async pullImage(image: ImageSpec, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig): Promise<string> {
    const request = { image, ...(auth ? { auth } : {}), ...(sandboxConfig ? { sandboxConfig } : {}) };
    return (await this.call<object, { imageRef: string }>(IMAGES, 'PullImage', request, this.pullTimeoutMs)).imageRef;
  }

  /** The image as the node has it, or null. */
  async imageStatus(image: ImageSpec): Promise<Image | null> {
    return (await this.call<object, { image: Image | null }>(IMAGES, 'ImageStatus', { image })).image;
  }

  async listImages(image?: ImageSpec): Promise<Image[]> {
    return (await this.call<object, { images: Image[] }>(IMAGES, 'ListImages', image ? { filter: { image } } : {})).images;
  }

  imageFsInfo(): Promise<ImageFsInfoResponse> {
    return this.call(IMAGES, 'ImageFsInfo', {});
  }
}
