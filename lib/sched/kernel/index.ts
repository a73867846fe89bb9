export { NativeAccelerator } from './native-accelerator.js';
export { kernelSupports } from './profile.js';
export { extensionRegistry } from './extension-registry.js';
