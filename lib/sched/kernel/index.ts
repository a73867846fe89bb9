export { NativeAccelerator } from './native-accelerator.js';
export { kernelSupports } from './kernel-plugins.js';
export { extensionPluginFactories } from './extension-plugins.js';
